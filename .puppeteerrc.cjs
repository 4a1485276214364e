// gdlab never downloads a browser: tests use the system Chromium (see tests/browser/chrome.ts).
module.exports = { skipDownload: true };
