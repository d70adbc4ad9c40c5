/**
 * HTTPS to lab hosts the way an outside client reaches them. The code lives in the emulator so the
 * TypeScript API and the scenario runner use it too.
 */
export * from '../../emulator/api/labHttps';
