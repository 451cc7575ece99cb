/** Where the built app lives, seen from dist-test/test/support/. */
import { fileURLToPath } from 'node:url';

export const APP_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SERVER_SCRIPT = fileURLToPath(new URL('../../../dist/server.js', import.meta.url));
export const PRIMARY_SCRIPT = fileURLToPath(new URL('../../../dist/primary.js', import.meta.url));
export const ECOSYSTEM_FILE = fileURLToPath(new URL('../../../ecosystem.config.cjs', import.meta.url));
