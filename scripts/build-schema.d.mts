/** Builds the schema artifacts in memory: repo-relative path → file contents. */
export function generateSchemaArtifacts(): Promise<Record<string, string>>
