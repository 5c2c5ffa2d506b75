export type * from './access-control.js';
export type * from './auth.js';
export type * from './config.js';
export type * from './extensions.js';
export type * from './http.js';
export type * from './storage.js';
