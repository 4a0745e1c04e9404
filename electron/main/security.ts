/**
 * The desktop shell's security policy as plain functions, so unit tests check it without an Electron binary:
 * the window's options, where the window may navigate, which links leave for the system browser,
 * and which permissions are granted (none).
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The renderer is served from this privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'fluxplan';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'FluxPlan',
    show: false,
    backgroundColor: '#f4f5f8',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: process.env.NODE_ENV === 'development' || !!process.env.ELECTRON_RENDERER_URL,
    },
  };
}

/** The renderer's own pages: the app scheme, or electron-vite's dev server when it runs. */
export function isAppUrl(url: string, devServer: string | undefined = process.env.ELECTRON_RENDERER_URL): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
  if (devServer) {
    try {
      return u.origin === new URL(devServer).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/** Links the planner clicks open in the system browser, and only http(s) ones. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export type NavigationDecision = 'allow' | 'external' | 'deny';

/** In-window navigation: only within the app; a web link goes to the system browser; anything else is refused. */
export function navigationDecision(url: string): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  return isExternalLink(url) ? 'external' : 'deny';
}

/** New windows are never opened; a web link goes to the system browser instead. */
export function windowOpenDecision(url: string): 'external' | 'deny' {
  return isExternalLink(url) ? 'external' : 'deny';
}

/** Deny by default: the app needs no camera, microphone, geolocation, notifications, clipboard reads… */
export function permissionGranted(_permission: string): boolean {
  return false;
}
