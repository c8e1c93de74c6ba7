import { libraryBuild } from '@micgate/config/tsdown';

export default libraryBuild(['src/index.ts'], { deps: { neverBundle: ['vitest'] } });
