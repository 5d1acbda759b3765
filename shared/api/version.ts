/** The console's version: reported to servers (X-ClearML-Client) and shown in the footer. */
export const CONSOLE_VERSION = '0.1.0'
