import { packageBuild } from '../../tsdown.base.ts';

export default packageBuild({ entry: { index: 'src/index.ts', terminus: 'src/terminus.ts' } });
