// The one SWC configuration for running the TypeScript sources without a build: jest
// (jest.config.js, through @swc/jest) and the start hook (tools/swc-register.js) both take it
// from here, so tests and `npm start` compile the code the same way. Legacy decorators with
// metadata, as `nest build` (tsc) emits them, and CommonJS.

/** @param {'typescript' | 'ecmascript'} syntax */
function swcOptions(syntax) {
  const typescript = syntax === 'typescript';
  return {
    jsc: {
      parser: typescript ? { syntax, decorators: true } : { syntax },
      transform: typescript ? { legacyDecorator: true, decoratorMetadata: true } : undefined,
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  };
}

module.exports = { swcOptions };
