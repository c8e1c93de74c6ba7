import { libraryBuild } from '@micgate/config/tsdown';

export default libraryBuild();
