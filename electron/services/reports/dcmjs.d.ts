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
  /** A tool class of the legacy adapter (only what is used here). */
  export interface AdapterToolClass {
    toolType: string;
    utilityToolType: string;
    getTID300RepresentationArguments(tool: Record<string, unknown>): Record<string, unknown>;
    isValidCornerstoneTrackingIdentifier(trackingIdentifier: string): boolean;
    /** The cornerstone-tools measurement data a TID 1501 group describes (throws when it lacks parts). */
    getMeasurementData(measurementGroup: Record<string, unknown>): { handles?: Record<string, { x?: unknown; y?: unknown } | undefined> };
  }
  /** dcmjs.sr: coded concepts and content items (naturalized, ready to put into a dataset). */
  export class CodedConcept {
    constructor(options: { value: string; schemeDesignator: string; meaning: string });
  }
  type ContentItemOptions<Value> = { name: CodedConcept; value: Value; relationshipType: string };
  class ContentItem {
    [attribute: string]: unknown;
  }
  const dcmjs: {
    sr: {
      coding: { CodedConcept: typeof CodedConcept };
      valueTypes: {
        CodeContentItem: new (options: ContentItemOptions<CodedConcept>) => ContentItem;
        TextContentItem: new (options: ContentItemOptions<string>) => ContentItem;
        PNameContentItem: new (options: ContentItemOptions<string>) => ContentItem;
        ContainerContentItem: new (options: { name: CodedConcept; relationshipType: string; isContentContinuous: boolean }) => ContentItem;
      };
    };
    adapters: {
      Cornerstone: {
        MeasurementReport: {
          CORNERSTONE_TOOL_CLASSES_BY_TOOL_TYPE: Record<string, AdapterToolClass | undefined>;
          CORNERSTONE_TOOL_CLASSES_BY_UTILITY_TYPE: Record<string, AdapterToolClass | undefined>;
          registerTool(toolClass: AdapterToolClass): void;
          generateReport(toolState: Record<string, Record<string, { data: unknown[] }>>, metadataProvider: MeasurementMetadataProvider, options?: Record<string, unknown>): GeneratedReport;
        };
      };
    };
    data: {
      datasetToBuffer(dataset: Record<string, unknown>): Buffer;
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: { untilTag?: string; ignoreErrors?: boolean }): { dict: Record<string, unknown>; meta: Record<string, unknown> };
      };
      DicomMetaDictionary: {
        naturalizeDataset(dict: Record<string, unknown>): NaturalizedDataset;
      };
    };
  };
  export default dcmjs;
}
