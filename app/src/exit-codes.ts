/** Exit codes of every process model. */

/** A graceful stop that finished within its deadline. */
export const EXIT_OK = 0;
/** The process could not start serving (a port in use, say), or its stop had to be forced. */
export const EXIT_FAILURE = 1;
/** A configuration value the process refuses to start with; restarting cannot help. */
export const EXIT_CONFIG_ERROR = 2;
