import { libraryBuild } from '@micgate/config/tsdown';

export default libraryBuild(
  {
    'main/index': 'src/main/index.ts',
    'preload/index': 'src/preload/index.ts',
    'renderer/index': 'src/renderer/index.ts',
  },
  // The main entry runs in Electron's main process (Node); its node: imports stay imports.
  { deps: { neverBundle: [/^node:/] } },
);
