/** Model and firmware version the emulated router reports. */
export const MODEL = 'Vigor2927';
/** DrayOS release whose menus and fields this firmware follows. */
export const DRAYOS_VERSION = '4.4.5';
export const FIRMWARE_VERSION = `${DRAYOS_VERSION}_sim`;
export const FIRMWARE_BUILD_DATE = '2026-12-04';
