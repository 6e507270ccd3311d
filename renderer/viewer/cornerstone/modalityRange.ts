/** The range of an image's pixel values in modality units (HU for CT), for automatic windows. */
import type { Image } from 'cornerstone-core';

export interface ModalityLut {
  firstValueMapped: number;
  lut: ArrayLike<number>;
}

/** The stored-value range through the image's Modality LUT, or its Rescale Slope/Intercept. */
export function modalityRange(image: Image & { modalityLUT?: ModalityLut | undefined }): { low: number; high: number } {
  const lut = image.modalityLUT;
  if (lut && lut.lut.length > 0) {
    const from = Math.max(0, image.minPixelValue - lut.firstValueMapped);
    const to = Math.min(lut.lut.length - 1, image.maxPixelValue - lut.firstValueMapped);
    let low = Infinity;
    let high = -Infinity;
    for (let i = Math.min(from, to); i <= Math.max(from, to); i += 1) {
      const value = lut.lut[i] ?? 0;
      if (value < low) low = value;
      if (value > high) high = value;
    }
    if (Number.isFinite(low)) return { low, high };
  }
  const a = image.minPixelValue * image.slope + image.intercept;
  const b = image.maxPixelValue * image.slope + image.intercept;
  return { low: Math.min(a, b), high: Math.max(a, b) };
}

/** A window spanning the whole range. */
export function fullRangeWindow(image: Image): { windowWidth: number; windowCenter: number } {
  const { low, high } = modalityRange(image);
  return { windowWidth: Math.max(1, high - low), windowCenter: (high + low) / 2 };
}
