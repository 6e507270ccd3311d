/** PS3.5 §9.1: digits and dots, components without leading zeros, at most 64 characters. */
export const CONFORMANT_UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;

/**
 * What the workstation accepts as a UID from real files: at most 64 printable ASCII characters
 * and no backslash (the value separator). Archives hold files whose "UIDs" break PS3.5 and a
 * radiologist still needs to open them.
 */
export const ACCEPTABLE_UID = /^[\x21-\x5b\x5d-\x7e]{1,64}$/;
