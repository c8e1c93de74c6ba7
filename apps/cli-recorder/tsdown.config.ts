import { libraryBuild } from '@micgate/config/tsdown';

// An executable, not a library: no declarations.
export default libraryBuild(['src/main.ts'], { platform: 'node', dts: false, fixedExtension: false });
