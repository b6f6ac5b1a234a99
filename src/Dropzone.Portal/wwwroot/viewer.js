// The viewer's time zone and colour-scheme preference, written as cookies on every page load so that the
// server renders the next page in them at once; the live page asks these functions directly.
(() => {
    const oneYear = 60 * 60 * 24 * 365;
    const write = (name, value) => {
        const secure = location.protocol === 'https:' ? '; secure' : '';
        document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=${oneYear}; samesite=lax${secure}`;
    };
    const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

    write('dropzone-time-zone', timeZone());
    write('dropzone-system-dark', systemDark() ? 'true' : 'false');

    window.dropzoneViewer = {
        timeZone,
        chooseTheme: choice => write('dropzone-theme', choice),
    };
})();
