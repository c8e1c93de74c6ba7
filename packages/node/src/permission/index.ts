export { isAppId } from './app-id.js';
export { defaultConfigDir } from './config-dir.js';
export { StoreDamagedError, StoreInsecureError, StoreVersionError } from './errors.js';
export {
  askInTerminal,
  canPromptOn,
  PROMPT_QUESTION,
  type PromptQuestion,
  promptText,
  type TerminalPromptOptions,
} from './prompt.js';
export { createPermissionStore, type PermissionStore, type PermissionStoreOptions, type StoreLogger } from './store.js';
export type { PermissionEntry, PermissionSnapshot, StoredDecision } from './store-file.js';
export type { FileWatchOptions } from './watch.js';
