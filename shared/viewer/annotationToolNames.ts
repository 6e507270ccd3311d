/**
 * Our annotation tools by the names cornerstone-tools (and dcmjs's report adapter, which follows
 * it) gives them. The viewer draws with these; SR export files measurements under them.
 */
import type { AnnotationTool } from '../api';

export const CORNERSTONE_TOOL_NAMES: Readonly<Record<AnnotationTool, string>> = {
  length: 'Length',
  angle: 'Angle',
  cobbAngle: 'CobbAngle',
  ellipseRoi: 'EllipticalRoi',
  rectangleRoi: 'RectangleRoi',
  arrow: 'ArrowAnnotate',
  probe: 'Probe',
};
