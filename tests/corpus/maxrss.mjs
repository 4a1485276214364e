// Preloaded into spawned `gdlab` processes: writes their peak RSS (kB) where GDLAB_MAXRSS_FILE says.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.GDLAB_MAXRSS_FILE)
    writeFileSync(process.env.GDLAB_MAXRSS_FILE, String(process.resourceUsage().maxRSS));
});
