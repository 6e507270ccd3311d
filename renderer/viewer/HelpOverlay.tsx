/** Lists every key and mouse binding in force; the mouse buttons can be remapped here. */
import { useEffect } from 'react';
import { type MouseButton, MOUSE_TOOL_LABELS, type MouseTool, rebindMouse } from './bindings';
import { cornerstoneStack } from './cornerstone/cornerstoneSetup';
import { useAnnotations } from './annotations/annotationStore';
import { activateDrawingTool } from './cornerstone/annotationTools';
import { useViewer } from './viewerStore';

const BUTTONS: readonly MouseButton[] = ['left', 'middle', 'right'];

/** Keeps cornerstone-tools' buttons in line with the stored bindings and the drawing tool. */
export function useMouseBindings(): void {
  const bindings = useViewer((state) => state.mouseBindings);
  const drawingTool = useAnnotations((state) => state.drawingTool);
  useEffect(() => {
    void cornerstoneStack().then((stack) => activateDrawingTool(stack, drawingTool, bindings));
  }, [bindings, drawingTool]);
}

export function HelpOverlay() {
  const open = useViewer((state) => state.helpOpen);
  const keys = useViewer((state) => state.keyBindings);
  const mouse = useViewer((state) => state.mouseBindings);
  if (!open) return null;
  const close = () => useViewer.getState().setHelpOpen(false);
  return (
    <div className="help-overlay" role="dialog" aria-modal="true" aria-label="Viewer keys and mouse" data-testid="viewer-help">
      <div className="help-content">
        <header className="panel-header">
          <h2>Keys and mouse</h2>
          <button type="button" className="small" onClick={close}>
            Close
          </button>
        </header>
        <h3>Mouse</h3>
        <table>
          <tbody>
            {(Object.keys(MOUSE_TOOL_LABELS) as MouseTool[]).map((tool) => (
              <tr key={tool}>
                <th scope="row">{MOUSE_TOOL_LABELS[tool]}</th>
                <td>
                  <select
                    aria-label={`Button for ${MOUSE_TOOL_LABELS[tool]}`}
                    value={mouse[tool]}
                    onChange={(e) => useViewer.getState().setMouseBindings(rebindMouse(mouse, tool, e.target.value as MouseButton))}
                  >
                    {BUTTONS.map((button) => (
                      <option key={button} value={button}>
                        {button} drag
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">Scroll images</th>
              <td>wheel</td>
            </tr>
            <tr>
              <th scope="row">Cross-reference: the other viewports go to the slice through that point</th>
              <td>Shift + left click or drag</td>
            </tr>
          </tbody>
        </table>
        <h3>Keys</h3>
        <table className="key-table">
          <tbody>
            {keys.map((binding) => (
              <tr key={binding.command}>
                <th scope="row">{binding.label}</th>
                <td>
                  {binding.keys
                    .filter((key, i, all) => all.findIndex((other) => other.toLowerCase() === key.toLowerCase()) === i)
                    .map((key) => (
                      <kbd key={key}>{key === ' ' ? 'Space' : key}</kbd>
                    ))}
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row">Undo / redo the last change to the measurements</th>
              <td>
                <kbd>Ctrl+Z</kbd>
                <kbd>Ctrl+Y</kbd>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
