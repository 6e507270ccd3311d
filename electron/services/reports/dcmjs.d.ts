/**
 * Types for the part of dcmjs 0.52 used here (it ships none): the legacy Cornerstone
 * measurement-report adapter, which writes and reads TID 1500, and Part-10 writing.
 */
declare module 'dcmjs' {
  export type NaturalizedDataset = Record<string, unknown> & { _meta?: unknown };
  export interface MeasurementMetadataProvider {
    get(type: string, imageId: string): unknown;
  }
  export interface GeneratedReport {
    dataset: NaturalizedDataset;
  }
  /** A tool class of the legacy adapter (only what is wrapped here). */
  export interface AdapterToolClass {
    toolType: string;
    getTID300RepresentationArguments(tool: Record<string, unknown>): Record<string, unknown>;
  }
  const dcmjs: {
    adapters: {
      Cornerstone: {
        MeasurementReport: {
          CORNERSTONE_TOOL_CLASSES_BY_TOOL_TYPE: Record<string, AdapterToolClass | undefined>;
          registerTool(toolClass: AdapterToolClass): void;
          generateReport(toolState: Record<string, Record<string, { data: unknown[] }>>, metadataProvider: MeasurementMetadataProvider, options?: Record<string, unknown>): GeneratedReport;
        };
      };
    };
    data: {
      datasetToBuffer(dataset: NaturalizedDataset): Buffer;
    };
  };
  export default dcmjs;
}
