/**
 * One viewport showing one stack (a series, or the frames of its multi-frame instances): which
 * image is shown, the background loading of the rest, and every display operation. The React
 * side knows only this class's methods and the snapshots it publishes.
 */
import type { Image, Viewport } from 'cornerstone-core';
import type { MeasurementData, MeasurementEventDetail } from 'cornerstone-tools';
import { CORNERSTONE_TOOL } from './annotationTools';
import { type CornerstoneStack, cornerstoneStack } from './cornerstoneSetup';
import { type ImageInfo, readImageInfo } from './imageInfo';
import { ImageLoadError, loadImage, urlOfImageId } from './imageLoading';
import { InstanceBundle } from './instanceBundle';
import { fullRangeWindow } from './modalityRange';
import { buildVolume, isMprImageId, type VolumeResult } from './mprImages';
import { type SlicePlane, slicePlaneOf } from '../slicePlane';
import { type ImagePlane, type ImagePlaneModule, imagePlaneOf, type ImagePoint, patientPointOf, sliceThrough } from '../referenceLine';

/** Images requested at once while filling the stack in the background (most wait on the bundle's bytes; 12 kept both decode workers busier than 6). */
const BACKGROUND_REQUESTS = 12;
const DEFAULT_CINE_FPS = 15;

export interface ViewportSnapshot {
  imageIndex: number;
  imageCount: number;
  /** Images decoded and ready to show. */
  loadedCount: number;
  /** The images are made when shown (reformats), so there is no loading to show. */
  onDemand: boolean;
  failedCount: number;
  /** Why the current image cannot be shown, when it cannot. */
  error: string | null;
  /** True while the current image is being fetched. */
  waiting: boolean;
  voi: { windowWidth: number; windowCenter: number } | null;
  /** Screen pixels per image pixel (1 = actual pixels). */
  scale: number;
  /** Pan, in image pixels from centred. */
  translation: { x: number; y: number };
  rotation: number;
  hflip: boolean;
  vflip: boolean;
  invert: boolean;
  /** Name of the window in use: the image's own, "Auto", a preset, or "Custom". */
  windowName: string;
  cine: { playing: boolean; fps: number };
  info: ImageInfo | null;
  /** The image shown (its cornerstone image id), or null. */
  imageId: string | null;
  /** Canvas size, for the scale bar. */
  canvas: { width: number; height: number };
}

export type SnapshotListener = (snapshot: ViewportSnapshot) => void;

export type MeasurementChange = 'completed' | 'modified' | 'removed';
/** A measurement as drawn (cornerstone-tools' data), opaque outside this folder but for its id. */
export type DrawnMeasurement = MeasurementData;
/** A drawn measurement changed on this viewport's image. */
export type MeasurementListener = (change: MeasurementChange, toolName: string, data: MeasurementData, imageId: string) => void;

export interface StackImages {
  /** Identifies what is shown (the series UID); a new key resets the viewport. */
  key: string;
  imageIds: readonly string[];
  /**
   * Where the rest of the stack can be fetched in one request (ViewerStudy.bundleUrl), and the
   * stack's files: their URL (as in the image ids) and SOP Instance UID.
   */
  bundle?: { url: string; files: ReadonlyArray<{ url: string; sopInstanceUid: string }> };
  /**
   * Images made when shown (reformats: a millisecond each), not loaded ahead: a CT's 1,024
   * reformats ahead would take hundreds of MB of cache for images nobody may look at.
   */
  onDemand?: boolean;
}

function outwardOrder(center: number, count: number): number[] {
  const order: number[] = [];
  for (let distance = 1; order.length < count - 1; distance += 1) {
    if (center + distance < count) order.push(center + distance);
    if (center - distance >= 0) order.push(center - distance);
    if (center + distance >= count && center - distance < 0) break;
  }
  return order;
}

export class StackViewport {
  private stack: CornerstoneStack | null = null;
  private images: StackImages | null = null;
  private index = 0;
  private readonly loaded = new Set<number>();
  private readonly failed = new Map<number, string>();
  private readonly requested = new Set<number>();
  private inFlight = 0;
  /** The rest of the stack streaming in, once its first image is shown. */
  private bundle: InstanceBundle | null = null;
  private displayToken = 0;
  private shownImage: Image | null = null;
  private error: string | null = null;
  private waiting = false;
  private windowName = '';
  /** The window `windowName` describes; once the viewport's differs (a drag), it is "Custom". */
  private namedVoi: { windowWidth: number; windowCenter: number } | null = null;
  private info: ImageInfo | null = null;
  private cineTimer: ReturnType<typeof setTimeout> | null = null;
  private cineFps = DEFAULT_CINE_FPS;
  private cineFpsChosen = false;
  /** While true, a window resize refits the image; zooming or 1:1 turns it off. */
  private fitted = true;
  private readonly listeners = new Set<SnapshotListener>();
  private readonly measurementListeners = new Set<MeasurementListener>();
  private readonly resizeObserver: ResizeObserver;
  private destroyed = false;

  constructor(readonly element: HTMLElement) {
    this.resizeObserver = new ResizeObserver(() => this.onResize());
  }

  /** Enables the element for cornerstone; call once, before anything else. */
  async attach(): Promise<void> {
    this.stack = await cornerstoneStack();
    if (this.destroyed) return;
    this.stack.cornerstone.enable(this.element);
    this.element.addEventListener(this.stack.cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered);
    const { EVENTS } = this.stack.tools;
    this.element.addEventListener(EVENTS.MEASUREMENT_COMPLETED, this.onMeasurementCompleted);
    this.element.addEventListener(EVENTS.MEASUREMENT_MODIFIED, this.onMeasurementModified);
    this.element.addEventListener(EVENTS.MEASUREMENT_REMOVED, this.onMeasurementRemoved);
    this.resizeObserver.observe(this.element);
  }

  destroy(): void {
    this.destroyed = true;
    this.bundle?.cancel();
    this.bundle = null;
    this.stopCine();
    this.resizeObserver.disconnect();
    if (this.stack) {
      this.element.removeEventListener(this.stack.cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered);
      const { EVENTS } = this.stack.tools;
      this.element.removeEventListener(EVENTS.MEASUREMENT_COMPLETED, this.onMeasurementCompleted);
      this.element.removeEventListener(EVENTS.MEASUREMENT_MODIFIED, this.onMeasurementModified);
      this.element.removeEventListener(EVENTS.MEASUREMENT_REMOVED, this.onMeasurementRemoved);
      this.stack.cornerstone.disable(this.element);
    }
    this.listeners.clear();
    this.measurementListeners.clear();
  }

  onMeasurement(listener: MeasurementListener): () => void {
    this.measurementListeners.add(listener);
    return () => this.measurementListeners.delete(listener);
  }

  private emitMeasurement(change: MeasurementChange, event: Event): void {
    const detail = (event as CustomEvent<MeasurementEventDetail>).detail;
    const imageId = this.shownImage?.imageId;
    if (!imageId || !detail?.measurementData) return;
    for (const listener of this.measurementListeners) listener(change, detail.toolName, detail.measurementData, imageId);
  }

  private readonly onMeasurementCompleted = (event: Event): void => this.emitMeasurement('completed', event);
  private readonly onMeasurementModified = (event: Event): void => this.emitMeasurement('modified', event);
  private readonly onMeasurementRemoved = (event: Event): void => this.emitMeasurement('removed', event);

  /** Removes the selected (or hovered) measurement on the shown image; true when there was one. */
  removeSelectedMeasurement(): boolean {
    if (!this.stack || !this.shownImage) return false;
    for (const name of Object.values(CORNERSTONE_TOOL)) {
      const selected = this.stack.tools.getToolState(this.element, name)?.data.find((data) => data.active);
      if (selected) {
        this.stack.tools.removeToolState(this.element, name, selected);
        this.stack.cornerstone.updateImage(this.element);
        return true;
      }
    }
    return false;
  }

  /** Redraws the shown image (after annotations were loaded for it). */
  redraw(): void {
    if (this.stack && this.shownImage) this.stack.cornerstone.updateImage(this.element);
  }

  /** Where an image id sits in the stack, or -1. */
  indexOfImage(imageId: string): number {
    return this.images?.imageIds.indexOf(imageId) ?? -1;
  }

  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  /** Shows a new stack from `startIndex`; the rest loads in the background, nearest first. */
  async setImages(images: StackImages, startIndex = 0): Promise<void> {
    if (this.images?.key === images.key && this.images.imageIds.length === images.imageIds.length) return this.showImage(startIndex);
    this.stopCine();
    this.bundle?.cancel();
    this.bundle = null;
    this.images = images;
    this.loaded.clear();
    this.failed.clear();
    this.requested.clear();
    this.shownImage = null;
    this.info = null;
    this.cineFpsChosen = false;
    this.fitted = true;
    this.index = Math.min(Math.max(0, startIndex), Math.max(0, images.imageIds.length - 1));
    await this.showImage(this.index, { newStack: true });
  }

  get imageIndex(): number {
    return this.index;
  }

  get imageCount(): number {
    return this.images?.imageIds.length ?? 0;
  }

  get currentImage(): Image | null {
    return this.shownImage;
  }

  get currentInfo(): ImageInfo | null {
    return this.info;
  }

  /** Moves to an image by index (clamped); resolves once it is shown or has failed. */
  async showImage(index: number, options: { newStack?: boolean } = {}): Promise<void> {
    const images = this.images;
    const stack = this.stack;
    if (!images || !stack || images.imageIds.length === 0) return this.publish();
    const target = Math.min(Math.max(0, index), images.imageIds.length - 1);
    const imageId = images.imageIds[target];
    if (imageId === undefined) return;
    this.index = target;
    const token = (this.displayToken += 1);
    this.waiting = !this.loaded.has(target);
    this.publish();
    try {
      const image = await loadImage(imageId);
      this.loaded.add(target);
      this.failed.delete(target);
      if (token !== this.displayToken || this.destroyed) return this.publish();
      this.display(stack, image, options.newStack === true || this.shownImage === null);
    } catch (error) {
      const reason = error instanceof ImageLoadError ? error.message : error instanceof Error ? error.message : 'unknown error';
      this.failed.set(target, reason);
      if (token === this.displayToken) {
        this.error = `Image ${target + 1} could not be shown: ${reason}`;
        this.waiting = false;
      }
      this.publish();
    } finally {
      this.fillInBackground();
    }
  }

  /** Where image `index` lies along its stack's normal; null until its header has been read. */
  slicePlaneAt(index: number): SlicePlane | null {
    const imageId = this.images?.imageIds[index];
    if (imageId === undefined || !this.stack) return null;
    const plane = this.stack.cornerstone.metaData.get('imagePlaneModule', imageId) as ImagePlaneModule | undefined;
    return slicePlaneOf(plane?.imagePositionPatient, plane?.rowCosines, plane?.columnCosines);
  }

  /**
   * The reformats (MPR) of the stack shown, once all its images are loaded (they mostly are: the
   * stack loads in the background); or why it has none.
   */
  async reformats(): Promise<VolumeResult> {
    const { images, stack } = this;
    if (!images || !stack || images.imageIds.length === 0) return { ok: false, reason: 'no series is shown' };
    if (images.imageIds.some(isMprImageId)) return { ok: false, reason: 'this viewport shows a reformat already' };
    try {
      const loader = this.bundle?.loader;
      const loaded = await Promise.all(images.imageIds.map((imageId) => loadImage(imageId, { loader })));
      return buildVolume(stack, images.key, loaded);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : 'an image could not be loaded' };
    }
  }

  /** The shown image's plane in patient space (reference lines); null when its header cannot place it. */
  shownPlane(): ImagePlane | null {
    const imageId = this.shownImage?.imageId;
    return imageId ? this.planeOfImage(imageId) : null;
  }

  /**
   * Among `imageIds`, the image whose slice passes nearest the centre of the image shown now
   * (a viewport switching between a series' acquired slices and a reformat keeps its place);
   * -1 when nothing is shown, or no image there holds that point.
   */
  indexNearShown(imageIds: readonly string[]): number {
    const plane = this.shownPlane();
    if (!plane) return -1;
    const centre = patientPointOf(plane, { x: plane.columns / 2, y: plane.rows / 2 });
    return sliceThrough(imageIds.map((imageId) => this.planeOfImage(imageId)), plane.frameOfReferenceUid, centre)?.index ?? -1;
  }

  /** Whether the image shown is a reformat (MPR). */
  get showsReformat(): boolean {
    return this.shownImage !== null && isMprImageId(this.shownImage.imageId);
  }

  /** Image `index`'s plane in patient space; null until its header has been read, or when it cannot place it. */
  imagePlaneAt(index: number): ImagePlane | null {
    const imageId = this.images?.imageIds[index];
    return imageId === undefined ? null : this.planeOfImage(imageId);
  }

  private planeOfImage(imageId: string): ImagePlane | null {
    if (!this.stack) return null;
    return imagePlaneOf(this.stack.cornerstone.metaData.get('imagePlaneModule', imageId) as ImagePlaneModule | undefined);
  }

  /** Where an image pixel coordinate lies on the viewport (CSS pixels), zoom, pan, rotation and flips applied. */
  canvasPointOf(point: ImagePoint): ImagePoint | null {
    if (!this.stack || !this.shownImage) return null;
    return this.stack.cornerstone.pixelToCanvas(this.element, point);
  }

  /** The image pixel coordinate under a point of the viewport (CSS pixels from its top left). */
  imagePointAt(canvasPoint: ImagePoint): ImagePoint | null {
    if (!this.stack || !this.shownImage) return null;
    return this.stack.cornerstone.canvasToPixel(this.element, canvasPoint);
  }

  step(delta: number): Promise<void> {
    return this.showImage(this.index + delta);
  }

  private display(stack: CornerstoneStack, image: Image, fresh: boolean): void {
    const { cornerstone } = stack;
    this.error = null;
    this.waiting = false;
    if (fresh) {
      // A new stack starts from the image's own default viewport (its window, fitted), not the
      // previous series' zoom and window.
      this.info = readImageInfo(stack, image);
      cornerstone.displayImage(this.element, image, this.defaultViewport(stack, image));
      this.nameWindow(this.describeDefaultWindow(image));
      if (!this.cineFpsChosen && this.info.frameTimeMs) this.cineFps = Math.round(1000 / this.info.frameTimeMs);
    } else {
      // Scrolling keeps the window, zoom and orientation the person chose.
      const viewport = cornerstone.getViewport(this.element);
      cornerstone.displayImage(this.element, image, viewport);
      this.info = readImageInfo(stack, image);
    }
    this.shownImage = image;
    this.publish();
  }

  /** Requests the nearest images not yet requested, keeping a few requests in flight. */
  private fillInBackground(): void {
    const images = this.images;
    if (!images || this.destroyed || images.onDemand) return;
    const order = outwardOrder(this.index, images.imageIds.length);
    this.bundle ??= this.startBundle(images, order);
    const loader = this.bundle?.loader;
    for (const candidate of order) {
      if (this.inFlight >= BACKGROUND_REQUESTS) break;
      if (this.requested.has(candidate) || this.loaded.has(candidate)) continue;
      const imageId = images.imageIds[candidate];
      if (imageId === undefined) continue;
      this.requested.add(candidate);
      this.inFlight += 1;
      loadImage(imageId, { loader })
        .then(
          () => {
            if (this.images === images) this.loaded.add(candidate);
          },
          (error: unknown) => {
            if (this.images === images) this.failed.set(candidate, error instanceof Error ? error.message : 'unknown error');
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          if (this.images !== images) return;
          this.publish();
          this.fillInBackground();
        });
    }
  }

  /**
   * One request for every file of the stack not yet asked for, nearest first (the order the
   * background loading takes them): the files stream in while the first ones decode.
   */
  private startBundle(images: StackImages, order: number[]): InstanceBundle | null {
    if (!images.bundle) return null;
    const uidByUrl = new Map(images.bundle.files.map((file) => [file.url, file.sopInstanceUid]));
    const wanted: Array<{ url: string; sopInstanceUid: string }> = [];
    const seen = new Set<string>();
    for (const candidate of order) {
      if (this.requested.has(candidate) || this.loaded.has(candidate)) continue;
      const imageId = images.imageIds[candidate];
      const url = imageId === undefined ? undefined : urlOfImageId(imageId);
      const sopInstanceUid = url === undefined ? undefined : uidByUrl.get(url);
      if (url === undefined || sopInstanceUid === undefined || seen.has(url)) continue;
      seen.add(url);
      wanted.push({ url, sopInstanceUid });
    }
    // A stack of one or two images gains nothing from a bundle.
    return wanted.length > 2 ? new InstanceBundle(images.bundle.url, wanted) : null;
  }

  // Window/level -------------------------------------------------------------------------

  setWindow(windowWidth: number, windowCenter: number, name = 'Custom'): void {
    this.updateViewport((viewport) => {
      viewport.voi = { windowWidth: Math.max(1, windowWidth), windowCenter };
      // A chosen window replaces the file's VOI LUT, as in DCMTK and OHIF.
      viewport.voiLUT = undefined;
    });
    this.nameWindow(name);
    this.publish();
  }

  /** The image's own window; each call moves to the next when the file lists several. */
  useImageWindow(): void {
    const windows = this.info?.windows ?? [];
    if (windows.length === 0) return this.useAutoWindow();
    const current = windows.findIndex((w) => w.name === this.windowName);
    const next = windows[(current + 1) % windows.length] ?? windows[0];
    if (next) this.setWindow(next.width, next.center, next.name);
  }

  /** A window spanning the image's pixel range, in modality units. */
  useAutoWindow(): void {
    if (!this.shownImage) return;
    const { windowWidth, windowCenter } = fullRangeWindow(this.shownImage);
    this.setWindow(windowWidth, windowCenter, 'Auto');
  }

  /**
   * How an image first appears: fitted, with its own window or VOI LUT; without either, a window
   * over its whole range in modality units (cornerstone's default ignores a Modality LUT).
   */
  private defaultViewport(stack: CornerstoneStack, image: Image): Viewport {
    const viewport = stack.cornerstone.getDefaultViewportForImage(this.element, image);
    if (!image.color && !image.voiLUT && (this.info?.windows.length ?? 0) === 0) viewport.voi = fullRangeWindow(image);
    return viewport;
  }

  private describeDefaultWindow(image: Image): string {
    if (image.voiLUT) return 'VOI LUT';
    const own = this.info?.windows[0];
    return own ? own.name : image.color ? '' : 'Auto';
  }

  // Orientation and zoom -----------------------------------------------------------------

  toggleInvert(): void {
    this.updateViewport((viewport) => {
      viewport.invert = !viewport.invert;
    });
  }

  rotateClockwise(): void {
    this.updateViewport((viewport) => {
      viewport.rotation = (((viewport.rotation + 90) % 360) + 360) % 360;
    });
  }

  flipHorizontal(): void {
    this.updateViewport((viewport) => {
      viewport.hflip = !viewport.hflip;
    });
  }

  flipVertical(): void {
    this.updateViewport((viewport) => {
      viewport.vflip = !viewport.vflip;
    });
  }

  fit(): void {
    if (!this.stack || !this.shownImage) return;
    this.fitted = true;
    this.stack.cornerstone.fitToWindow(this.element);
  }

  /** One image pixel per screen pixel, centred. */
  actualPixels(): void {
    this.fitted = false;
    this.updateViewport((viewport) => {
      viewport.scale = 1 / (window.devicePixelRatio || 1);
      viewport.translation = { x: 0, y: 0 };
    });
  }

  /** Back to how the image first appeared: its own window, fitted, no rotation or flip. */
  reset(): void {
    if (!this.stack || !this.shownImage) return;
    this.fitted = true;
    this.stack.cornerstone.setViewport(this.element, this.defaultViewport(this.stack, this.shownImage));
    this.nameWindow(this.describeDefaultWindow(this.shownImage));
    this.publish();
  }

  /** Called after a zoom or pan by the mouse tools, which change the viewport themselves. */
  markZoomed(): void {
    this.fitted = false;
  }

  private updateViewport(change: (viewport: Viewport) => void): void {
    if (!this.stack || !this.shownImage) return;
    const viewport = this.stack.cornerstone.getViewport(this.element);
    if (!viewport) return;
    change(viewport);
    this.stack.cornerstone.setViewport(this.element, viewport);
  }

  private onResize(): void {
    if (!this.stack || !this.shownImage || this.destroyed) return;
    this.stack.cornerstone.resize(this.element, this.fitted);
  }

  // Cine ---------------------------------------------------------------------------------

  get cineFramesPerSecond(): number {
    return this.cineFps;
  }

  setCineRate(fps: number): void {
    this.cineFps = Math.min(60, Math.max(1, Math.round(fps)));
    this.cineFpsChosen = true;
    this.publish();
  }

  toggleCine(): void {
    if (this.cineTimer) this.stopCine();
    else this.playCine();
    this.publish();
  }

  private playCine(): void {
    if (this.imageCount < 2) return;
    const tick = () => {
      const started = performance.now();
      const next = (this.index + 1) % this.imageCount;
      void this.showImage(next).finally(() => {
        if (!this.cineTimer) return;
        this.cineTimer = setTimeout(tick, Math.max(0, 1000 / this.cineFps - (performance.now() - started)));
      });
    };
    this.cineTimer = setTimeout(tick, 1000 / this.cineFps);
  }

  stopCine(): void {
    if (this.cineTimer) clearTimeout(this.cineTimer);
    this.cineTimer = null;
  }

  // Snapshots ----------------------------------------------------------------------------

  private nameWindow(name: string): void {
    const voi = this.stack ? this.stack.cornerstone.getViewport(this.element)?.voi : undefined;
    this.windowName = name;
    this.namedVoi = voi ? { windowWidth: voi.windowWidth, windowCenter: voi.windowCenter } : null;
  }

  private readonly onRendered = (): void => {
    const voi = this.stack?.cornerstone.getViewport(this.element)?.voi;
    if (voi && this.namedVoi && (voi.windowWidth !== this.namedVoi.windowWidth || voi.windowCenter !== this.namedVoi.windowCenter)) {
      this.windowName = 'Custom';
      this.namedVoi = null;
    }
    this.publish();
  };

  snapshot(): ViewportSnapshot {
    const viewport = this.stack && this.shownImage ? this.stack.cornerstone.getViewport(this.element) : undefined;
    const canvas = this.element.querySelector('canvas');
    return {
      imageIndex: this.index,
      imageCount: this.imageCount,
      loadedCount: this.loaded.size,
      onDemand: this.images?.onDemand === true,
      failedCount: this.failed.size,
      error: this.error,
      waiting: this.waiting,
      voi: viewport ? { windowWidth: viewport.voi.windowWidth, windowCenter: viewport.voi.windowCenter } : null,
      scale: viewport?.scale ?? 1,
      translation: { x: viewport?.translation.x ?? 0, y: viewport?.translation.y ?? 0 },
      rotation: viewport?.rotation ?? 0,
      hflip: viewport?.hflip ?? false,
      vflip: viewport?.vflip ?? false,
      invert: viewport?.invert ?? false,
      windowName: this.windowName,
      cine: { playing: this.cineTimer !== null, fps: this.cineFps },
      info: this.info,
      imageId: this.shownImage?.imageId ?? null,
      canvas: { width: canvas?.width ?? 0, height: canvas?.height ?? 0 },
    };
  }

  private publishScheduled = false;

  /**
   * Tells the listeners (the overlays) at most once per animation frame: background loading
   * finishes an image every few milliseconds and a drag renders every frame, and re-rendering
   * the overlays for each would take the main thread from decoding and drawing.
   */
  private publish(): void {
    if (this.destroyed || this.publishScheduled) return;
    this.publishScheduled = true;
    requestAnimationFrame(() => {
      this.publishScheduled = false;
      if (this.destroyed) return;
      const snapshot = this.snapshot();
      for (const listener of this.listeners) listener(snapshot);
    });
  }
}
