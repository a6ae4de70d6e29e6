import { appTests } from '../../vitest.shared.ts';

// Decorators are compiled as tsconfig.json says (legacy, with metadata), which is why it
// includes the tests.
export default appTests();
