/**
 * Window/level presets per modality, on the number keys in the order listed here.
 * Values from the team's architecture note (width/center, in Hounsfield units for CT).
 */
export interface WindowPreset {
  /** Shown in the menu and the overlay. */
  readonly name: string;
  readonly width: number;
  readonly center: number;
}

export const CT_PRESETS: readonly WindowPreset[] = [
  { name: 'Brain', width: 80, center: 40 },
  { name: 'Subdural', width: 150, center: 75 },
  { name: 'Stroke', width: 40, center: 40 },
  { name: 'Bone', width: 1800, center: 400 },
  { name: 'Lung', width: 1500, center: -600 },
  { name: 'Mediastinum', width: 350, center: 50 },
  { name: 'Abdomen', width: 400, center: 40 },
  { name: 'Liver', width: 150, center: 60 },
  { name: 'Spine', width: 250, center: 50 },
];

const presetsByModality: Readonly<Record<string, readonly WindowPreset[]>> = { CT: CT_PRESETS };

/** The presets offered for a modality (none for modalities without agreed values). */
export function presetsFor(modality: string): readonly WindowPreset[] {
  return presetsByModality[modality.toUpperCase()] ?? [];
}
