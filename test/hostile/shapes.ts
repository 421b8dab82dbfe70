/**
 * Generators for hostile shapes: small files that used to take minutes or gigabytes. Each takes
 * its size as a parameter so the regression tests use the sizes from the report and the fuzz
 * properties draw smaller or larger ones.
 */

/** `Define`s, each the previous one twice: 2^n characters asked for by n + 1 short lines. */
export function doublingDefines(n: number): string {
  let text = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Define A0 "x"\n';
  for (let i = 1; i <= n; i++) text += `    Define A${i} "\${A${i - 1}}\${A${i - 1}}"\n`;
  return `${text}    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly; \${A${n}}"\n</VirtualHost>\n`;
}

/** `<LocationMatch>` sections, each with its own anchored regex and a blanket HttpOnly edit. */
export function manyLocationMatches(n: number): string {
  let text = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n';
  for (let i = 0; i < n; i++) text += `    <LocationMatch "^/app${i}/(a|b)+x">\n        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n    </LocationMatch>\n`;
  return `${text}</VirtualHost>\n`;
}

/** Distinct `Header edit` regexes that each run close to the backtracking budget. */
export function nearBudgetRegexes(n: number): string {
  let text = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n';
  for (let i = 0; i < n; i++) text += `    Header edit Set-Cookie ^(([a-z])+.)+[A-Z]([a-z])+${i}$ ""\n`;
  return `${text}</VirtualHost>\n`;
}

/** IIS: `rules` blanket outbound rules at the site level and `locations` <location> elements with their own rule. */
export function iisRulesAndLocations(rules: number, locations: number): string {
  const rule = (name: string, value: string) =>
    `<rule name="${name}"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="${value}" /></rule>`;
  const top = Array.from({ length: rules }, (_, i) => rule(`r${i}`, '{R:0}; HttpOnly')).join('');
  const locs = Array.from(
    { length: locations },
    (_, i) => `<location path="app${i}"><system.webServer><rewrite><outboundRules>${rule(`l${i}`, '{R:0}; Secure')}</outboundRules></rewrite></system.webServer></location>`,
  ).join('');
  return `<?xml version="1.0"?><configuration><system.webServer><rewrite><outboundRules>${top}</outboundRules></rewrite></system.webServer>${locs}</configuration>\n`;
}

/**
 * IIS: `rules` outbound rules at the site level, each adding HttpOnly and an attribute of `pad`
 * characters, and `locations` <location> elements each with a rule of its own (so each is a
 * pipeline of its own): the blame re-simulates every pipeline once per rule, with every
 * intermediate value of a long line.
 */
export function iisGrowingRules(rules: number, locations: number, pad: number): string {
  const rule = (name: string, value: string) =>
    `<rule name="${name}"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="${value}" /></rule>`;
  const top = Array.from({ length: rules }, (_, i) => rule(`r${i}`, `{R:0}; HttpOnly; X${i}=${'p'.repeat(pad)}`)).join('');
  const locs = Array.from(
    { length: locations },
    (_, i) => `<location path="app${i}"><system.webServer><rewrite><outboundRules>${rule(`l${i}`, `{R:0}; L${i}`)}</outboundRules></rewrite></system.webServer></location>`,
  ).join('');
  return `<?xml version="1.0"?><configuration><system.webServer><rewrite><outboundRules>${top}</outboundRules></rewrite></system.webServer>${locs}</configuration>\n`;
}

/** An Apache vhost whose values end in `;`, the shape that was detected as nginx. */
export function apacheWithSemicolons(lines: number): string {
  let text = '<VirtualHost *:443>\n    ServerName app.example.com\n    ProxyPass / http://127.0.0.1:8080/;\n';
  for (let i = 0; i < lines; i++) text += `    RequestHeader set X-Extra-${i} "v${i};";\n`;
  return `${text}    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly;"\n</VirtualHost>\n`;
}

/**
 * An nginx location whose headers-more directives single out `n` statuses, one each, beside a
 * blanket proxy_cookie_flags: every status is a verdict of its own, and proofs are bounded.
 */
export function manyNamedStatuses(n: number): string {
  const more = Array.from({ length: n }, (_, i) => `        more_set_headers -s "${200 + i}" "Set-Cookie: a${i}=1";`).join('\n');
  return `load_module modules/ngx_http_headers_more_filter_module.so;\nevents {}\nhttp {\n    server {\n        listen 80;\n        location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_cookie_flags ~ httponly;\n${more}\n        }\n    }\n}\n`;
}
