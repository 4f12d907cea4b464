import { defineConfig } from "vite";

// JSX for Preact comes from tsconfig.json (jsx: react-jsx, jsxImportSource: preact).
export default defineConfig({
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    reportCompressedSize: true,
  },
});
