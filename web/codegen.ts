// Types and typed documents for the operations in graphql/operations/, from the exported schema.
// `npm run codegen` writes src/gql/; CODEGEN_OUT writes elsewhere (the Makefile's freshness check).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../graphql/schema.graphql",
  documents: "../graphql/operations/*.graphql",
  ignoreNoDocuments: false,
  generates: {
    [process.env.CODEGEN_OUT ?? "src/gql/"]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: "string" },
        skipTypename: false,
      },
    },
  },
};

export default config;
