import { MicgateError } from '@micgate/core';
import { shown } from './shown.js';

/** A store file that cannot be read as a decision: it counts as undetermined. */
export class StoreDamagedError extends MicgateError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(
      'ERR_MICGATE_STORE_DAMAGED',
      `ignoring a damaged permission store file ${shown(path, 200)}: ${reason}; that app counts as undetermined`,
    );
    this.path = path;
  }
}

/**
 * A store folder or file another user could have written: not owned by you, writable by others,
 * or a symbolic link someone else made. It is not read (undetermined) and not written.
 */
export class StoreInsecureError extends MicgateError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(
      'ERR_MICGATE_STORE_INSECURE',
      `not trusting the permission store ${shown(path, 200)}: ${reason}; its decisions count as undetermined`,
    );
    this.path = path;
  }
}

/** A store file written by a newer micgate: read as far as it can be, never rewritten or removed by this version. */
export class StoreVersionError extends MicgateError {
  readonly path: string;
  readonly version: unknown;
  constructor(path: string, version: unknown) {
    super(
      'ERR_MICGATE_STORE_VERSION',
      `the permission store file ${shown(path, 200)} has format version ${shown(JSON.stringify(version) ?? String(version), 20)}, newer than this micgate knows (1); it is read as far as it can be and left as it is: change it with a newer micgate`,
    );
    this.path = path;
    this.version = version;
  }
}
