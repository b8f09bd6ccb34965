// Sent as User-Agent to every API, so platform logs show which tool made a call.
export const ACTION_NAME = 'guarded-deploy';
export const ACTION_VERSION = '0.1.0';
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`;
