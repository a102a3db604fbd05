/** The one place the bootstrap touches the process environment and command line. */
export const processEnvironment = {
  variables: (): Record<string, string | undefined> => ({ ...process.env }),
  /** `node dist/main.js migrate` → 'migrate'. */
  command: (): string | undefined => process.argv[2],
};
