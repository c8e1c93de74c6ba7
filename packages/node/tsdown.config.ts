import { libraryBuild } from '@micgate/config/tsdown';

// Node only: the capture loads a native addon through createRequire.
export default libraryBuild(
  { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  { platform: 'node', fixedExtension: false },
);
