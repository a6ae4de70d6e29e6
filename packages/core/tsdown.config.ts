import { packageBuild } from '../../tsdown.base.ts';

export default packageBuild({
  entry: { index: 'src/index.ts', http: 'src/http/index.ts', internal: 'src/internal.ts' },
});
