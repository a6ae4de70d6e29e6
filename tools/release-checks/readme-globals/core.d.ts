// The names the examples of packages/core/README.md use without declaring them: the
// application's own code.
declare global {
  const inventoryUrl: string;
}

export {};
