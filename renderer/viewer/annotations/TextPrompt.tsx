/** The text an arrow carries: asked for when it is drawn, and again on double-click. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useAnnotations } from './annotationStore';

export function TextPrompt() {
  const prompt = useAnnotations((state) => state.textPrompt);
  const [text, setText] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setText(prompt?.initial ?? '');
    if (prompt) requestAnimationFrame(() => inputRef.current?.focus());
    // Closed: the keys belong to the image again.
    else document.querySelector<HTMLElement>('.viewport.active .viewport-element')?.focus();
  }, [prompt]);
  if (!prompt) return null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    useAnnotations.getState().answerText(text);
  };
  return (
    <div className="help-overlay" role="dialog" aria-modal="true" aria-label="Arrow text">
      <form className="help-content text-prompt" onSubmit={onSubmit}>
        <label className="field">
          Text for the arrow
          <input
            ref={inputRef}
            value={text}
            maxLength={1024}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                useAnnotations.getState().answerText(null);
              }
            }}
          />
        </label>
        <div className="panel-header">
          <button type="button" className="small" onClick={() => useAnnotations.getState().answerText(null)}>
            Cancel
          </button>
          <button type="submit" className="small primary">
            OK
          </button>
        </div>
      </form>
    </div>
  );
}
