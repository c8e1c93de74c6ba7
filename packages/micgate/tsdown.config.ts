import { libraryBuild } from '@micgate/config/tsdown';

// Thin entries over the @micgate packages, which stay dependencies (never bundled in), so an app
// that imports both `micgate` and `@micgate/core` gets one copy of the session and its error classes.
export default libraryBuild(
  {
    index: 'src/index.ts',
    node: 'src/node.ts',
    browser: 'src/browser.ts',
    mock: 'src/mock.ts',
    conformance: 'src/conformance.ts',
    'node-adapter': 'src/node-adapter.ts',
    'browser-adapter': 'src/browser-adapter.ts',
    'electron-main': 'src/electron-main.ts',
    'electron-preload': 'src/electron-preload.ts',
    'electron-renderer': 'src/electron-renderer.ts',
    cli: 'src/cli.ts',
  },
  { deps: { neverBundle: [/^@micgate\//, /^node:/] } },
);
