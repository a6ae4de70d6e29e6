import { appTests } from '../../vitest.shared.ts';

export default appTests();
