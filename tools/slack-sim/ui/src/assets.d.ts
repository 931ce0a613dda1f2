// Vite bundles imported stylesheets; for TypeScript such an import has no value.
declare module '*.css';
