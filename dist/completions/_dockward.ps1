
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'dockward' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'dockward'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'dockward' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check Dockerfiles, Compose files, docker run lines in scripts/Makefiles/CI files, and daemon configuration (directories are searched recursively, honouring .gitignore)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Audit live Docker engines: containers, images, networks and the engine itself (read-only)')
            [CompletionResult]::new('sbom', 'sbom', [CompletionResultType]::ParameterValue, 'List the packages an image, an image archive or a root filesystem holds (an SBOM: CycloneDX, SPDX, JSON or a table)')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Report the known vulnerabilities of the packages in images, image archives or root filesystems, from the offline vulnerability database')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Build, update and inspect the offline vulnerability database (OSV advisories)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'Show one rule''s documentation')
            [CompletionResult]::new('debug', 'debug', [CompletionResultType]::ParameterValue, 'Developer tools (AST dumps)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter dockward.toml (never overwrites one)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or a subcommand''s')
            [CompletionResult]::new('guard', 'guard', [CompletionResultType]::ParameterValue, 'Enforce the container rules at the daemon: a Docker authorization plugin (docs/guard.md)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow live engines'' events: judge what changes, emit findings (new, changed, resolved) and health as JSON lines (docs/watch.md)')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Run the Language Server (LSP over stdin/stdout) for editors: diagnostics as you type, fixes as code actions, rule docs on hover (docs/editors.md)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;check' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with 1 when a finding at or above this severity remains [default: warning, or the config''s fail-on]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Rules to run instead of the default set (codes, names, aliases, prefixes, `ALL`)')
            [CompletionResult]::new('--extend-select', '--extend-select', [CompletionResultType]::ParameterName, 'Rules to run in addition to the selection')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Rules to skip')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for dockward.toml')
            [CompletionResult]::new('--stdin-filename', '--stdin-filename', [CompletionResultType]::ParameterName, 'The file name to report for stdin (`-`)')
            [CompletionResult]::new('--build-arg', '--build-arg', [CompletionResultType]::ParameterName, 'A build argument for resolving `FROM ${VAR}` and similar, like `docker build --build-arg`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto (TTY and NO_COLOR aware), always, never')
            [CompletionResult]::new('--host-root', '--host-root', [CompletionResultType]::ParameterName, 'Also check the host whose filesystem is at DIR (`/` for this machine): its daemon configuration at the standard paths, and its Docker files, group, audit rules and mounts. Read only')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A Compose file of one project, like `docker compose -f` (repeat for overrides, merged in order)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A Compose file of one project, like `docker compose -f` (repeat for overrides, merged in order)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'An env file for Compose interpolation instead of `.env` (repeatable)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: one per core)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: one per core)')
            [CompletionResult]::new('--compliance', '--compliance', [CompletionResultType]::ParameterName, 'Compliance scorecards of the findings: nist-800-190, pci-dss-4.0.1, hipaa, gdpr-32, nist-800-53, cis-docker or all. Shown after the text report, inside the HTML report, or alone as JSON with `--format compliance`')
            [CompletionResult]::new('--pss-version', '--pss-version', [CompletionResultType]::ParameterName, 'The Kubernetes version Pod Security is judged at (`1.29`, `v1.29` or `latest`): the checks change between releases, and a namespace''s `latest` means this one')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only the findings not recorded in this baseline file (see docs/baseline.md)')
            [CompletionResult]::new('--baseline-write', '--baseline-write', [CompletionResultType]::ParameterName, 'Record the findings of this run in a baseline file (exit 0 unless an input could not be read)')
            [CompletionResult]::new('--show-settings', '--show-settings', [CompletionResultType]::ParameterName, 'Print which config file applies to FILE and the settings it gets, then exit')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Show (and count for the exit code) only findings of these severities: `error,warning`')
            [CompletionResult]::new('--k8s-namespace', '--k8s-namespace', [CompletionResultType]::ParameterName, 'Kubernetes: the namespace of objects that name none (after the kustomization''s `namespace:`); without it they form one group, "namespace not set"')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'Compare with an earlier JSON report of the same command (`--format json`): show what is new, fixed and unchanged (text, json, html; with `--compliance`, the controls that went to or from FAIL)')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply safe fixes to the files')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print the fixes as a unified diff instead of writing them; exit 1 if there is any')
            [CompletionResult]::new('--unsafe-fixes', '--unsafe-fixes', [CompletionResultType]::ParameterName, 'With --fix or --diff, also apply fixes that may change behaviour')
            [CompletionResult]::new('--isolated', '--isolated', [CompletionResultType]::ParameterName, 'Ignore every config file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only findings, no summary')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only findings, no summary')
            [CompletionResult]::new('--statistics', '--statistics', [CompletionResultType]::ParameterName, 'Print a count of findings per rule after the report')
            [CompletionResult]::new('--show-files', '--show-files', [CompletionResultType]::ParameterName, 'Print the files discovery would check, one per line, then exit')
            [CompletionResult]::new('--complete-namespace', '--complete-namespace', [CompletionResultType]::ParameterName, 'Kubernetes: the scan holds every object of its namespaces, so what a namespace lacks (a policy that selects nothing) can be judged')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;audit' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine to audit (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine to audit (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Docker CLI context to audit (its host and TLS material); repeat for several')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Docker CLI context to audit (its host and TLS material); repeat for several')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with 1 when a finding at or above this severity remains [default: warning, or the config''s fail-on]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Rules to run instead of the default set (codes, names, aliases, `cis-5.4`, prefixes, `ALL`)')
            [CompletionResult]::new('--extend-select', '--extend-select', [CompletionResultType]::ParameterName, 'Rules to run in addition to the selection')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Rules to skip')
            [CompletionResult]::new('--containers', '--containers', [CompletionResultType]::ParameterName, 'Audit only containers whose name matches GLOB (repeatable)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Audit only containers with this label (`key` or `key=value`; repeat: all must match)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds before a request to the engine is given up')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once per engine')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for dockward.toml from the current directory')
            [CompletionResult]::new('--host-root', '--host-root', [CompletionResultType]::ParameterName, 'Also check the audited host''s files under DIR (HO rules; its daemon.json and dockerd units when the daemon is not a local one): a mounted copy of the host''s root. Needs exactly one engine. A local daemon (its dockerd process is visible here) gets this machine''s files checked at `/` without this option')
            [CompletionResult]::new('--cis-version', '--cis-version', [CompletionResultType]::ParameterName, 'CIS Docker Benchmark numbering of `--format cis|cis-json`: 1.6 (docker-bench-security''s and the rules'' `cis` ids), 1.7 or 1.8. Each row also shows the other versions'' ids')
            [CompletionResult]::new('--compliance', '--compliance', [CompletionResultType]::ParameterName, 'Compliance scorecards of the findings (see `dockward check --help`)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only the findings not recorded in this baseline file (see docs/baseline.md)')
            [CompletionResult]::new('--baseline-write', '--baseline-write', [CompletionResultType]::ParameterName, 'Record the findings of this run in a baseline file (exit 0 unless nothing could be read)')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Show (and count for the exit code) only findings of these severities: `error,warning`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto (TTY and NO_COLOR aware), always, never')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'Compare with an earlier JSON report of the same command (see `dockward check --help`)')
            [CompletionResult]::new('--isolated', '--isolated', [CompletionResultType]::ParameterName, 'Ignore every config file')
            [CompletionResult]::new('--no-host-files', '--no-host-files', [CompletionResultType]::ParameterName, 'Do not check this machine''s files for a local daemon (HO rules stay off unless `--host-root` is given)')
            [CompletionResult]::new('--image-contents', '--image-contents', [CompletionResultType]::ParameterName, 'Also check the files in the layers of every image the audited containers use (IM008 and up: setuid files, empty passwords, secrets, ...). Transfers each image''s bytes (`GET /images/{id}/get`, as `docker save`); also `[audit] image-contents = true`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only findings: no summary, no per-host lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only findings: no summary, no per-host lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;sbom' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default: DOCKER_HOST, the current context, or the local socket')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default: DOCKER_HOST, the current context, or the local socket')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Docker CLI context for image names and `--in-use`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Docker CLI context for image names and `--in-use`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds an engine may stay silent before a transfer is given up')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the document to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the document to FILE instead of stdout')
            [CompletionResult]::new('--in-use', '--in-use', [CompletionResultType]::ParameterName, 'Also read every image a container uses on the engine(s)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Also list (text) packages a later layer removed, and every warning')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No warnings or notes on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No warnings or notes on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;scan' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default: DOCKER_HOST, the current context, or the local socket')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default: DOCKER_HOST, the current context, or the local socket')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Docker CLI context for image names and `--in-use`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Docker CLI context for image names and `--in-use`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds an engine may stay silent before a transfer is given up')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The vulnerability database [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of stdout')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with 1 when a finding at or above this severity remains [default: warning, or the config''s fail-on]')
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Show only vulnerabilities of these advisory severities (critical, high, medium, low, negligible, unknown)')
            [CompletionResult]::new('--db-max-age', '--db-max-age', [CompletionResultType]::ParameterName, 'A database older than DAYS is a finding (VU004, a warning) instead of a warning line on stderr')
            [CompletionResult]::new('--vex', '--vex', [CompletionResultType]::ParameterName, 'An OpenVEX document: matches it marks `not_affected` or `fixed` are dropped (repeatable; later statements win)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for dockward.toml from the current directory')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only the findings not recorded in this baseline file (see docs/baseline.md)')
            [CompletionResult]::new('--baseline-write', '--baseline-write', [CompletionResultType]::ParameterName, 'Record the findings of this run in a baseline file (exit 0 unless nothing could be read)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto (TTY and NO_COLOR aware), always, never')
            [CompletionResult]::new('--compliance', '--compliance', [CompletionResultType]::ParameterName, 'Compliance scorecards of the findings (see `dockward check --help`)')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'Compare with an earlier JSON report of the same command (see `dockward check --help`)')
            [CompletionResult]::new('--in-use', '--in-use', [CompletionResultType]::ParameterName, 'Also read every image a container uses on the engine(s)')
            [CompletionResult]::new('--ignore-unfixed', '--ignore-unfixed', [CompletionResultType]::ParameterName, 'Report only vulnerabilities that have a fixed version (also `[vulnerabilities] ignore-unfixed = true`)')
            [CompletionResult]::new('--isolated', '--isolated', [CompletionResultType]::ParameterName, 'Ignore every config file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only findings: no summary, no warnings or notes on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only findings: no summary, no warnings or notes on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;db' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Download OSV data for the chosen ecosystems (OSV''s public bucket or a mirror) and rebuild the database')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the database''s age, sources and counts per ecosystem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;db;build' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'An OSV input: an `all.zip`, a directory of `*.json` records (searched recursively) or a JSON file')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;db;update' {
            [CompletionResult]::new('--ecosystem', '--ecosystem', [CompletionResultType]::ParameterName, 'An OSV ecosystem to download (repeatable): `Debian:12`, `Alpine:v3.20`, `PyPI`, `npm`, `Go`, `crates.io`... Remembered: later updates without --ecosystem download the same set')
            [CompletionResult]::new('--mirror', '--mirror', [CompletionResultType]::ParameterName, 'Download from this mirror instead of OSV''s bucket; same layout: `<URL>/<ECOSYSTEM>/all.zip` (http or https)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a server may stay silent before a download is given up')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;db;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--max-age-days', '--max-age-days', [CompletionResultType]::ParameterName, 'Warn when the database was built more than this many days ago')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;db;help' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Download OSV data for the chosen ecosystems (OSV''s public bucket or a mirror) and rebuild the database')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the database''s age, sources and counts per ecosystem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;db;help;build' {
            break
        }
        'dockward;db;help;update' {
            break
        }
        'dockward;db;help;status' {
            break
        }
        'dockward;db;help;help' {
            break
        }
        'dockward;rules' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;rule' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;debug' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ast', 'ast', [CompletionResultType]::ParameterValue, 'Print a Dockerfile''s syntax tree')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;debug;ast' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;debug;help' {
            [CompletionResult]::new('ast', 'ast', [CompletionResultType]::ParameterValue, 'Print a Dockerfile''s syntax tree')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;debug;help;ast' {
            break
        }
        'dockward;debug;help;help' {
            break
        }
        'dockward;init' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;guard' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the authorization plugin: judge every Engine API request dockerd asks about')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Print the systemd socket and service units and the daemon.json snippet (writes nothing)')
            [CompletionResult]::new('check-request', 'check-request', [CompletionResultType]::ParameterValue, 'Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;guard;serve' {
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'The plugin socket; its file name without `.sock` is the plugin''s name in dockerd''s `--authorization-plugin`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The dockward.toml holding the `[guard]` policy (reloaded on SIGHUP) [default: the built-in policy]')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'Also append the decision records (JSON lines) to FILE')
            [CompletionResult]::new('--docker-host', '--docker-host', [CompletionResultType]::ParameterName, 'The daemon guarded, for its defaults, image lookups and the start-up self-test')
            [CompletionResult]::new('--no-self-test', '--no-self-test', [CompletionResultType]::ParameterName, 'Skip the start-up check of whether the daemon forwards request bodies over 1 MiB')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;guard;install' {
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'socket')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'config')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The dockward binary the service runs [default: this one]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;guard;check-request' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'config')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;guard;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the authorization plugin: judge every Engine API request dockerd asks about')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Print the systemd socket and service units and the daemon.json snippet (writes nothing)')
            [CompletionResult]::new('check-request', 'check-request', [CompletionResultType]::ParameterValue, 'Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;guard;help;serve' {
            break
        }
        'dockward;guard;help;install' {
            break
        }
        'dockward;guard;help;check-request' {
            break
        }
        'dockward;guard;help;help' {
            break
        }
        'dockward;watch' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine to watch (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine to watch (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Docker CLI context to watch; repeat for several')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Docker CLI context to watch; repeat for several')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State file (last event, open findings): a restart resumes from it without repeats [config: `[watch] state`]')
            [CompletionResult]::new('--resync', '--resync', [CompletionResultType]::ParameterName, 'Seconds between two full audits diffed against the known state [default: 900, or `[watch] resync`]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Record format [default: json, or `[watch] format`]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds before a request to the engine is given up')
            [CompletionResult]::new('--guard-log', '--guard-log', [CompletionResultType]::ParameterName, '`dockward guard`''s decision log (its file sink) to follow: records about a container the guard saw a TLS client create or change name that user [config: `[watch] guard-log`]')
            [CompletionResult]::new('--auditd-log', '--auditd-log', [CompletionResultType]::ParameterName, 'The Linux audit log to correlate events with: the caller''s uid and executable when exactly one client connected to the socket around an event [config: `[watch] auditd-log`]')
            [CompletionResult]::new('--auditd-key', '--auditd-key', [CompletionResultType]::ParameterName, 'The key of the audit rules on connect to the socket [default: docker-api, or `[watch] auditd-key`]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for dockward.toml from the current directory')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Rules to run instead of the default set')
            [CompletionResult]::new('--extend-select', '--extend-select', [CompletionResultType]::ParameterName, 'Rules to run in addition to the selection')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Rules to skip')
            [CompletionResult]::new('--isolated', '--isolated', [CompletionResultType]::ParameterName, 'Ignore every config file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Print a hardened systemd unit that runs `dockward watch` (never written by dockward)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;watch;install' {
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The dockward binary the unit runs')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;watch;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Print a hardened systemd unit that runs `dockward watch` (never written by dockward)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;watch;help;install' {
            break
        }
        'dockward;watch;help;help' {
            break
        }
        'dockward;server' {
            [CompletionResult]::new('--stdio', '--stdio', [CompletionResultType]::ParameterName, 'Talk LSP over stdin and stdout: the default and only transport (accepted because editor clients pass it)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dockward;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check Dockerfiles, Compose files, docker run lines in scripts/Makefiles/CI files, and daemon configuration (directories are searched recursively, honouring .gitignore)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Audit live Docker engines: containers, images, networks and the engine itself (read-only)')
            [CompletionResult]::new('sbom', 'sbom', [CompletionResultType]::ParameterValue, 'List the packages an image, an image archive or a root filesystem holds (an SBOM: CycloneDX, SPDX, JSON or a table)')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Report the known vulnerabilities of the packages in images, image archives or root filesystems, from the offline vulnerability database')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Build, update and inspect the offline vulnerability database (OSV advisories)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'Show one rule''s documentation')
            [CompletionResult]::new('debug', 'debug', [CompletionResultType]::ParameterValue, 'Developer tools (AST dumps)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter dockward.toml (never overwrites one)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or a subcommand''s')
            [CompletionResult]::new('guard', 'guard', [CompletionResultType]::ParameterValue, 'Enforce the container rules at the daemon: a Docker authorization plugin (docs/guard.md)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow live engines'' events: judge what changes, emit findings (new, changed, resolved) and health as JSON lines (docs/watch.md)')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Run the Language Server (LSP over stdin/stdout) for editors: diagnostics as you type, fixes as code actions, rule docs on hover (docs/editors.md)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dockward;help;check' {
            break
        }
        'dockward;help;audit' {
            break
        }
        'dockward;help;sbom' {
            break
        }
        'dockward;help;scan' {
            break
        }
        'dockward;help;db' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Download OSV data for the chosen ecosystems (OSV''s public bucket or a mirror) and rebuild the database')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the database''s age, sources and counts per ecosystem')
            break
        }
        'dockward;help;db;build' {
            break
        }
        'dockward;help;db;update' {
            break
        }
        'dockward;help;db;status' {
            break
        }
        'dockward;help;rules' {
            break
        }
        'dockward;help;rule' {
            break
        }
        'dockward;help;debug' {
            [CompletionResult]::new('ast', 'ast', [CompletionResultType]::ParameterValue, 'Print a Dockerfile''s syntax tree')
            break
        }
        'dockward;help;debug;ast' {
            break
        }
        'dockward;help;init' {
            break
        }
        'dockward;help;completions' {
            break
        }
        'dockward;help;man' {
            break
        }
        'dockward;help;guard' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the authorization plugin: judge every Engine API request dockerd asks about')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Print the systemd socket and service units and the daemon.json snippet (writes nothing)')
            [CompletionResult]::new('check-request', 'check-request', [CompletionResultType]::ParameterValue, 'Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied')
            break
        }
        'dockward;help;guard;serve' {
            break
        }
        'dockward;help;guard;install' {
            break
        }
        'dockward;help;guard;check-request' {
            break
        }
        'dockward;help;watch' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Print a hardened systemd unit that runs `dockward watch` (never written by dockward)')
            break
        }
        'dockward;help;watch;install' {
            break
        }
        'dockward;help;server' {
            break
        }
        'dockward;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
