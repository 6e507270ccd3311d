/**
 * Types for the parts of the legacy cornerstone stack this app uses. The packages ship no
 * declarations; these are written from their sources (cornerstone-core 2.6.1, cornerstone-tools
 * 6.0.10, cornerstone-wado-image-loader 4.13.2) and cover only what renderer/viewer/cornerstone/
 * calls, so that nothing outside that folder ever sees an untyped cornerstone object.
 */

declare module 'cornerstone-core' {
  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }
  export interface VoiLut {
    firstValueMapped: number;
    numBitsPerEntry: number;
    lut: number[];
  }
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    voiLUT?: VoiLut | undefined;
    modalityLUT?: unknown;
    colormap?: unknown;
  }
  export interface Image {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number | number[] | undefined;
    windowWidth: number | number[] | undefined;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    columnPixelSpacing: number | undefined;
    rowPixelSpacing: number | undefined;
    invert: boolean;
    sizeInBytes: number;
    voiLUT?: VoiLut | undefined;
    getPixelData(): ArrayLike<number>;
  }
  export interface EnabledElement {
    element: HTMLElement;
    canvas: HTMLCanvasElement;
    image: Image | undefined;
    viewport: Viewport;
  }
  export interface ImageRenderedDetail {
    element: HTMLElement;
    viewport: Viewport;
    image: Image;
    renderTimeInMs: number;
  }
  export interface LoadOptions {
    priority?: number;
    /** cornerstone-wado-image-loader's wadouri: fetches the file's bytes instead of its own XHR. */
    loader?: (url: string, imageId: string) => Promise<ArrayBuffer>;
  }
  export interface ImageLoadObject {
    promise: Promise<Image>;
  }
  const cornerstone: {
    enable(element: HTMLElement, options?: { renderer?: 'webgl' }): void;
    disable(element: HTMLElement): void;
    displayImage(element: HTMLElement, image: Image, viewport?: Partial<Viewport>): void;
    loadImage(imageId: string, options?: LoadOptions): Promise<Image>;
    loadAndCacheImage(imageId: string, options?: LoadOptions): Promise<Image>;
    getViewport(element: HTMLElement): Viewport | undefined;
    setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
    getDefaultViewportForImage(element: HTMLElement, image: Image): Viewport;
    getEnabledElement(element: HTMLElement): EnabledElement;
    getImage(element: HTMLElement): Image | undefined;
    fitToWindow(element: HTMLElement): void;
    resize(element: HTMLElement, forceFitToWindow?: boolean): void;
    reset(element: HTMLElement): void;
    draw(element: HTMLElement): void;
    updateImage(element: HTMLElement, invalidated?: boolean): void;
    renderToCanvas(canvas: HTMLCanvasElement, image: Image, viewport?: Partial<Viewport>): void;
    /** Image pixel coordinates to the canvas's (CSS pixels: the canvas is not scaled by the device pixel ratio), and back. */
    /** Answers image ids of `scheme:` (our MPR images). */
    registerImageLoader(scheme: string, loader: (imageId: string) => { promise: Promise<Image> }): void;
    pixelToCanvas(element: HTMLElement, point: { x: number; y: number }): { x: number; y: number };
    canvasToPixel(element: HTMLElement, point: { x: number; y: number }): { x: number; y: number };
    imageCache: {
      setMaximumSizeBytes(bytes: number): void;
      getCacheInfo(): { maximumSizeInBytes: number; cacheSizeInBytes: number; numberOfImagesCached: number };
      purgeCache(): void;
      getImageLoadObject(imageId: string): ImageLoadObject | undefined;
    };
    metaData: {
      get(type: string, imageId: string): unknown;
      /** Higher priority answers first. */
      addProvider(provider: (type: string, imageId: string) => unknown, priority?: number): void;
    };
    EVENTS: {
      IMAGE_RENDERED: string;
      NEW_IMAGE: string;
      IMAGE_LOADED: string;
      IMAGE_LOAD_FAILED: string;
    };
    events: EventTarget;
  };
  export default cornerstone;
}

declare module 'cornerstone-tools' {
  export interface ToolClass {
    readonly name: string;
  }
  export interface ToolOptions {
    mouseButtonMask: number | number[];
  }
  /** A drawn measurement as cornerstone-tools keeps it (only the fields read here). */
  export interface MeasurementData {
    visible: boolean;
    active: boolean;
    invalidated?: boolean;
    handles: Record<string, { x: number; y: number; active?: boolean; highlight?: boolean; [key: string]: unknown }>;
    length?: number;
    rAngle?: number;
    text?: string;
    cachedStats?: Record<string, number | undefined>;
    /** Ours: the annotation's id in the library. */
    lumenId?: string;
    [key: string]: unknown;
  }
  export interface MeasurementEventDetail {
    toolName: string;
    element: HTMLElement;
    measurementData: MeasurementData;
  }
  const cornerstoneTools: {
    external: { cornerstone: unknown; cornerstoneMath: unknown; Hammer: unknown };
    EVENTS: { MEASUREMENT_COMPLETED: string; MEASUREMENT_MODIFIED: string; MEASUREMENT_REMOVED: string };
    getToolState(element: HTMLElement, toolName: string): { data: MeasurementData[] } | undefined;
    removeToolState(element: HTMLElement, toolName: string, data: MeasurementData): void;
    globalImageIdSpecificToolStateManager: {
      addImageIdToolState(imageId: string, toolName: string, data: MeasurementData): void;
      restoreToolState(state: Record<string, never>): void;
      /** The live state, by image id and tool name (not a copy). */
      saveToolState(): Record<string, Record<string, { data: MeasurementData[] }>>;
    };
    LengthTool: ToolClass;
    AngleTool: ToolClass;
    CobbAngleTool: ToolClass;
    EllipticalRoiTool: ToolClass;
    RectangleRoiTool: ToolClass;
    ArrowAnnotateTool: ToolClass;
    ProbeTool: ToolClass;
    init(config?: { mouseEnabled?: boolean; touchEnabled?: boolean; globalToolSyncEnabled?: boolean; showSVGCursors?: boolean }): void;
    addTool(tool: ToolClass, props?: { configuration?: Record<string, unknown> }): void;
    setToolActive(name: string, options: ToolOptions): void;
    setToolPassive(name: string): void;
    setToolDisabled(name: string): void;
    WwwcTool: ToolClass;
    PanTool: ToolClass;
    ZoomTool: ToolClass;
  };
  export default cornerstoneTools;
}

declare module 'cornerstone-math' {
  const cornerstoneMath: object;
  export default cornerstoneMath;
}

declare module 'hammerjs' {
  const Hammer: object;
  export default Hammer;
}

/** The image loader's classic script sets this global (see cornerstoneSetup.ts). */
interface CornerstoneWadoImageLoader {
  external: { cornerstone: unknown; dicomParser: unknown };
  webWorkerManager: {
    initialize(config: {
      maxWebWorkers: number;
      startWebWorkersOnDemand: boolean;
      taskConfiguration: { decodeTask: { initializeCodecsOnStartup: boolean; strict?: boolean } };
    }): void;
    terminate(): void;
  };
  configure(options: { strict?: boolean; beforeSend?: (xhr: XMLHttpRequest) => void }): void;
  wadouri: {
    metaData: { metaDataProvider(type: string, imageId: string): unknown };
    dataSetCacheManager: {
      /** The parsed file (a dicom-parser DataSet); typed where it is read. */
      get(uri: string): unknown;
      isLoaded(uri: string): boolean;
      purge(): void;
    };
  };
}

interface Window {
  cornerstoneWADOImageLoader?: CornerstoneWadoImageLoader;
}
