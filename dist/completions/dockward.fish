# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_dockward_global_optspecs
    string join \n h/help V/version
end

function __fish_dockward_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_dockward_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_dockward_using_subcommand
    set -l cmd (__fish_dockward_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c dockward -n "__fish_dockward_needs_command" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_needs_command" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "check" -d 'Check Dockerfiles, Compose files, docker run lines in scripts/Makefiles/CI files, and daemon configuration (directories are searched recursively, honouring .gitignore)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "audit" -d 'Audit live Docker engines: containers, images, networks and the engine itself (read-only)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "sbom" -d 'List the packages an image, an image archive or a root filesystem holds (an SBOM: CycloneDX, SPDX, JSON or a table)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "scan" -d 'Report the known vulnerabilities of the packages in images, image archives or root filesystems, from the offline vulnerability database'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "db" -d 'Build, update and inspect the offline vulnerability database (OSV advisories)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "rules" -d 'List every rule'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "rule" -d 'Show one rule\'s documentation'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "debug" -d 'Developer tools (AST dumps)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "init" -d 'Write a commented starter dockward.toml (never overwrites one)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "man" -d 'Print the man page (roff), or a subcommand\'s'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "guard" -d 'Enforce the container rules at the daemon: a Docker authorization plugin (docs/guard.md)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "watch" -d 'Follow live engines\' events: judge what changes, emit findings (new, changed, resolved) and health as JSON lines (docs/watch.md)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "server" -d 'Run the Language Server (LSP over stdin/stdout) for editors: diagnostics as you type, fixes as code actions, rule docs on hover (docs/editors.md)'
complete -c dockward -n "__fish_dockward_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l format -d 'Output format' -r -f -a "text\t''
json\t''
sarif\t''
junit\t''
github\t''
html\t'One self-contained HTML page: charts, scorecards (`--compliance`), filters'
compliance\t'The `--compliance` scorecards as JSON'
pss\t'`check` of Kubernetes manifests: the Pod Security Standards level of each workload and the namespaces\' admission labels, as JSON (docs/kubernetes.md)'
concise\t'One line per finding: `path:line:col: CODE [severity] message`'
checkstyle\t'Checkstyle XML'
gitlab\t'GitLab Code Quality JSON'
hdf\t'The Heimdall Data Format (MITRE SAF): a control per rule, NIST 800-53 tags with `--compliance`'"
complete -c dockward -n "__fish_dockward_using_subcommand check" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l fail-on -d 'Exit with 1 when a finding at or above this severity remains [default: warning, or the config\'s fail-on]' -r -f -a "error\t''
warning\t''
info\t''
none\t''"
complete -c dockward -n "__fish_dockward_using_subcommand check" -l select -d 'Rules to run instead of the default set (codes, names, aliases, prefixes, `ALL`)' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l extend-select -d 'Rules to run in addition to the selection' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l ignore -d 'Rules to skip' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l config -d 'Use this config file instead of searching for dockward.toml' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l stdin-filename -d 'The file name to report for stdin (`-`)' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l build-arg -d 'A build argument for resolving `FROM ${VAR}` and similar, like `docker build --build-arg`' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l color -d 'Colour: auto (TTY and NO_COLOR aware), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dockward -n "__fish_dockward_using_subcommand check" -l host-root -d 'Also check the host whose filesystem is at DIR (`/` for this machine): its daemon configuration at the standard paths, and its Docker files, group, audit rules and mounts. Read only' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -s f -l file -d 'A Compose file of one project, like `docker compose -f` (repeat for overrides, merged in order)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l env-file -d 'An env file for Compose interpolation instead of `.env` (repeatable)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -s j -l threads -d 'Worker threads (default: one per core)' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l compliance -d 'Compliance scorecards of the findings: nist-800-190, pci-dss-4.0.1, hipaa, gdpr-32, nist-800-53, cis-docker or all. Shown after the text report, inside the HTML report, or alone as JSON with `--format compliance`' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l pss-version -d 'The Kubernetes version Pod Security is judged at (`1.29`, `v1.29` or `latest`): the checks change between releases, and a namespace\'s `latest` means this one' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l baseline -d 'Report only the findings not recorded in this baseline file (see docs/baseline.md)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l baseline-write -d 'Record the findings of this run in a baseline file (exit 0 unless an input could not be read)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l show-settings -d 'Print which config file applies to FILE and the settings it gets, then exit' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l severity -d 'Show (and count for the exit code) only findings of these severities: `error,warning`' -r -f -a "error\t''
warning\t''
info\t''"
complete -c dockward -n "__fish_dockward_using_subcommand check" -l k8s-namespace -d 'Kubernetes: the namespace of objects that name none (after the kustomization\'s `namespace:`); without it they form one group, "namespace not set"' -r
complete -c dockward -n "__fish_dockward_using_subcommand check" -l compare -d 'Compare with an earlier JSON report of the same command (`--format json`): show what is new, fixed and unchanged (text, json, html; with `--compliance`, the controls that went to or from FAIL)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand check" -l fix -d 'Apply safe fixes to the files'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l diff -d 'Print the fixes as a unified diff instead of writing them; exit 1 if there is any'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l unsafe-fixes -d 'With --fix or --diff, also apply fixes that may change behaviour'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l isolated -d 'Ignore every config file'
complete -c dockward -n "__fish_dockward_using_subcommand check" -s q -l quiet -d 'Print only findings, no summary'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l statistics -d 'Print a count of findings per rule after the report'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l show-files -d 'Print the files discovery would check, one per line, then exit'
complete -c dockward -n "__fish_dockward_using_subcommand check" -l complete-namespace -d 'Kubernetes: the scan holds every object of its namespaces, so what a namespace lacks (a policy that selects nothing) can be judged'
complete -c dockward -n "__fish_dockward_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dockward -n "__fish_dockward_using_subcommand check" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand audit" -s H -l host -d 'Engine to audit (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -s c -l context -d 'Docker CLI context to audit (its host and TLS material); repeat for several' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l format -d 'Output format' -r -f -a "text\t''
json\t''
sarif\t''
junit\t''
github\t''
concise\t'One line per finding: `object/field: CODE [severity] message`'
checkstyle\t'Checkstyle XML'
gitlab\t'GitLab Code Quality JSON'
cis\t'The CIS Docker Benchmark scorecard (`--cis-version`): every control, pass / fail / not applicable / manual'
cis-json\t'The CIS scorecard as JSON'
html\t'One self-contained HTML page: charts, scorecards (`--compliance`), filters'
compliance\t'The `--compliance` scorecards as JSON'
hdf\t'The Heimdall Data Format (MITRE SAF): a control per rule, NIST 800-53 tags with `--compliance`'"
complete -c dockward -n "__fish_dockward_using_subcommand audit" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l fail-on -d 'Exit with 1 when a finding at or above this severity remains [default: warning, or the config\'s fail-on]' -r -f -a "error\t''
warning\t''
info\t''
none\t''"
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l select -d 'Rules to run instead of the default set (codes, names, aliases, `cis-5.4`, prefixes, `ALL`)' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l extend-select -d 'Rules to run in addition to the selection' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l ignore -d 'Rules to skip' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l containers -d 'Audit only containers whose name matches GLOB (repeatable)' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l label -d 'Audit only containers with this label (`key` or `key=value`; repeat: all must match)' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l timeout -d 'Seconds before a request to the engine is given up' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l concurrency -d 'Requests in flight at once per engine' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l config -d 'Use this config file instead of searching for dockward.toml from the current directory' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l host-root -d 'Also check the audited host\'s files under DIR (HO rules; its daemon.json and dockerd units when the daemon is not a local one): a mounted copy of the host\'s root. Needs exactly one engine. A local daemon (its dockerd process is visible here) gets this machine\'s files checked at `/` without this option' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l cis-version -d 'CIS Docker Benchmark numbering of `--format cis|cis-json`: 1.6 (docker-bench-security\'s and the rules\' `cis` ids), 1.7 or 1.8. Each row also shows the other versions\' ids' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l compliance -d 'Compliance scorecards of the findings (see `dockward check --help`)' -r
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l baseline -d 'Report only the findings not recorded in this baseline file (see docs/baseline.md)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l baseline-write -d 'Record the findings of this run in a baseline file (exit 0 unless nothing could be read)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l severity -d 'Show (and count for the exit code) only findings of these severities: `error,warning`' -r -f -a "error\t''
warning\t''
info\t''"
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l color -d 'Colour: auto (TTY and NO_COLOR aware), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l compare -d 'Compare with an earlier JSON report of the same command (see `dockward check --help`)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l isolated -d 'Ignore every config file'
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l no-host-files -d 'Do not check this machine\'s files for a local daemon (HO rules stay off unless `--host-root` is given)'
complete -c dockward -n "__fish_dockward_using_subcommand audit" -l image-contents -d 'Also check the files in the layers of every image the audited containers use (IM008 and up: setuid files, empty passwords, secrets, ...). Transfers each image\'s bytes (`GET /images/{id}/get`, as `docker save`); also `[audit] image-contents = true`'
complete -c dockward -n "__fish_dockward_using_subcommand audit" -s q -l quiet -d 'Print only findings: no summary, no per-host lines'
complete -c dockward -n "__fish_dockward_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dockward -n "__fish_dockward_using_subcommand audit" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -s H -l host -d 'Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default: DOCKER_HOST, the current context, or the local socket' -r
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -s c -l context -d 'Docker CLI context for image names and `--in-use`' -r
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -l timeout -d 'Seconds an engine may stay silent before a transfer is given up' -r
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -l format -r -f -a "cyclonedx\t'CycloneDX 1.6 JSON'
spdx\t'SPDX 2.3 JSON'
json\t'dockward\'s own JSON (the inventory model, with layers and warnings)'
text\t'A table of packages'"
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -s o -l output -d 'Write the document to FILE instead of stdout' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -l in-use -d 'Also read every image a container uses on the engine(s)'
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -l debug -d 'Also list (text) packages a later layer removed, and every warning'
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -s q -l quiet -d 'No warnings or notes on stderr'
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dockward -n "__fish_dockward_using_subcommand sbom" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand scan" -s H -l host -d 'Engine for image names and `--in-use` (`unix://`, `tcp://`, `ssh://`); default: DOCKER_HOST, the current context, or the local socket' -r
complete -c dockward -n "__fish_dockward_using_subcommand scan" -s c -l context -d 'Docker CLI context for image names and `--in-use`' -r
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l timeout -d 'Seconds an engine may stay silent before a transfer is given up' -r
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l db -d 'The vulnerability database [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l format -d 'Output format' -r -f -a "text\t''
json\t''
sarif\t''
junit\t''
github\t''
html\t'One self-contained HTML page: charts, scorecards (`--compliance`), filters'
compliance\t'The `--compliance` scorecards as JSON'
pss\t'`check` of Kubernetes manifests: the Pod Security Standards level of each workload and the namespaces\' admission labels, as JSON (docs/kubernetes.md)'
concise\t'One line per finding: `path:line:col: CODE [severity] message`'
checkstyle\t'Checkstyle XML'
gitlab\t'GitLab Code Quality JSON'
hdf\t'The Heimdall Data Format (MITRE SAF): a control per rule, NIST 800-53 tags with `--compliance`'"
complete -c dockward -n "__fish_dockward_using_subcommand scan" -s o -l output -d 'Write the report to FILE instead of stdout' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l fail-on -d 'Exit with 1 when a finding at or above this severity remains [default: warning, or the config\'s fail-on]' -r -f -a "error\t''
warning\t''
info\t''
none\t''"
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l severity -d 'Show only vulnerabilities of these advisory severities (critical, high, medium, low, negligible, unknown)' -r
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l db-max-age -d 'A database older than DAYS is a finding (VU004, a warning) instead of a warning line on stderr' -r
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l vex -d 'An OpenVEX document: matches it marks `not_affected` or `fixed` are dropped (repeatable; later statements win)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l config -d 'Use this config file instead of searching for dockward.toml from the current directory' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l baseline -d 'Report only the findings not recorded in this baseline file (see docs/baseline.md)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l baseline-write -d 'Record the findings of this run in a baseline file (exit 0 unless nothing could be read)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l color -d 'Colour: auto (TTY and NO_COLOR aware), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l compliance -d 'Compliance scorecards of the findings (see `dockward check --help`)' -r
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l compare -d 'Compare with an earlier JSON report of the same command (see `dockward check --help`)' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l in-use -d 'Also read every image a container uses on the engine(s)'
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l ignore-unfixed -d 'Report only vulnerabilities that have a fixed version (also `[vulnerabilities] ignore-unfixed = true`)'
complete -c dockward -n "__fish_dockward_using_subcommand scan" -l isolated -d 'Ignore every config file'
complete -c dockward -n "__fish_dockward_using_subcommand scan" -s q -l quiet -d 'Print only findings: no summary, no warnings or notes on stderr'
complete -c dockward -n "__fish_dockward_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dockward -n "__fish_dockward_using_subcommand scan" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand db; and not __fish_seen_subcommand_from build update status help" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand db; and not __fish_seen_subcommand_from build update status help" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand db; and not __fish_seen_subcommand_from build update status help" -f -a "build" -d 'Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files'
complete -c dockward -n "__fish_dockward_using_subcommand db; and not __fish_seen_subcommand_from build update status help" -f -a "update" -d 'Download OSV data for the chosen ecosystems (OSV\'s public bucket or a mirror) and rebuild the database'
complete -c dockward -n "__fish_dockward_using_subcommand db; and not __fish_seen_subcommand_from build update status help" -f -a "status" -d 'Show the database\'s age, sources and counts per ecosystem'
complete -c dockward -n "__fish_dockward_using_subcommand db; and not __fish_seen_subcommand_from build update status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from build" -l from -d 'An OSV input: an `all.zip`, a directory of `*.json` records (searched recursively) or a JSON file' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from build" -l db -d 'The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from update" -l ecosystem -d 'An OSV ecosystem to download (repeatable): `Debian:12`, `Alpine:v3.20`, `PyPI`, `npm`, `Go`, `crates.io`... Remembered: later updates without --ecosystem download the same set' -r
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from update" -l mirror -d 'Download from this mirror instead of OSV\'s bucket; same layout: `<URL>/<ECOSYSTEM>/all.zip` (http or https)' -r
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from update" -l db -d 'The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from update" -l timeout -d 'Seconds a server may stay silent before a download is given up' -r
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from status" -l db -d 'The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from status" -l format -r -f -a "text\t''
json\t''"
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from status" -l max-age-days -d 'Warn when the database was built more than this many days ago' -r
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "update" -d 'Download OSV data for the chosen ecosystems (OSV\'s public bucket or a mirror) and rebuild the database'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the database\'s age, sources and counts per ecosystem'
complete -c dockward -n "__fish_dockward_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand rules" -l format -r -f -a "table\t''
json\t''"
complete -c dockward -n "__fish_dockward_using_subcommand rules" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand rules" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand rule" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand rule" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and not __fish_seen_subcommand_from ast help" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and not __fish_seen_subcommand_from ast help" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and not __fish_seen_subcommand_from ast help" -f -a "ast" -d 'Print a Dockerfile\'s syntax tree'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and not __fish_seen_subcommand_from ast help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and __fish_seen_subcommand_from ast" -l format -r -f -a "buildkit\t'BuildKit\'s parser-test s-expressions'
debug\t'The full Rust syntax tree'"
complete -c dockward -n "__fish_dockward_using_subcommand debug; and __fish_seen_subcommand_from ast" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and __fish_seen_subcommand_from ast" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and __fish_seen_subcommand_from help" -f -a "ast" -d 'Print a Dockerfile\'s syntax tree'
complete -c dockward -n "__fish_dockward_using_subcommand debug; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand init" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand init" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand completions" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand completions" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand man" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand man" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and not __fish_seen_subcommand_from serve install check-request help" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and not __fish_seen_subcommand_from serve install check-request help" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and not __fish_seen_subcommand_from serve install check-request help" -f -a "serve" -d 'Run the authorization plugin: judge every Engine API request dockerd asks about'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and not __fish_seen_subcommand_from serve install check-request help" -f -a "install" -d 'Print the systemd socket and service units and the daemon.json snippet (writes nothing)'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and not __fish_seen_subcommand_from serve install check-request help" -f -a "check-request" -d 'Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and not __fish_seen_subcommand_from serve install check-request help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -l socket -d 'The plugin socket; its file name without `.sock` is the plugin\'s name in dockerd\'s `--authorization-plugin`' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -l config -d 'The dockward.toml holding the `[guard]` policy (reloaded on SIGHUP) [default: the built-in policy]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -l log -d 'Also append the decision records (JSON lines) to FILE' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -l docker-host -d 'The daemon guarded, for its defaults, image lookups and the start-up self-test' -r
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -l no-self-test -d 'Skip the start-up check of whether the daemon forwards request bodies over 1 MiB'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from install" -l socket -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from install" -l config -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from install" -l binary -d 'The dockward binary the service runs [default: this one]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from check-request" -l config -r -F
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from check-request" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from check-request" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Run the authorization plugin: judge every Engine API request dockerd asks about'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from help" -f -a "install" -d 'Print the systemd socket and service units and the daemon.json snippet (writes nothing)'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from help" -f -a "check-request" -d 'Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied'
complete -c dockward -n "__fish_dockward_using_subcommand guard; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -s H -l host -d 'Engine to watch (`unix:///path`, `tcp://host:2376`, `ssh://user@host`); repeat for several' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -s c -l context -d 'Docker CLI context to watch; repeat for several' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l state -d 'State file (last event, open findings): a restart resumes from it without repeats [config: `[watch] state`]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l resync -d 'Seconds between two full audits diffed against the known state [default: 900, or `[watch] resync`]' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l format -d 'Record format [default: json, or `[watch] format`]' -r -f -a "json\t'JSON lines of schema `dockward.watch/1` (docs/watch.schema.json)'
ecs\t'The Elastic Common Schema (Elasticsearch, OpenSearch)'"
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l timeout -d 'Seconds before a request to the engine is given up' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l guard-log -d '`dockward guard`\'s decision log (its file sink) to follow: records about a container the guard saw a TLS client create or change name that user [config: `[watch] guard-log`]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l auditd-log -d 'The Linux audit log to correlate events with: the caller\'s uid and executable when exactly one client connected to the socket around an event [config: `[watch] auditd-log`]' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l auditd-key -d 'The key of the audit rules on connect to the socket [default: docker-api, or `[watch] auditd-key`]' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l config -d 'Use this config file instead of searching for dockward.toml from the current directory' -r -F
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l select -d 'Rules to run instead of the default set' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l extend-select -d 'Rules to run in addition to the selection' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l ignore -d 'Rules to skip' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -l isolated -d 'Ignore every config file'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -f -a "install" -d 'Print a hardened systemd unit that runs `dockward watch` (never written by dockward)'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and not __fish_seen_subcommand_from install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and __fish_seen_subcommand_from install" -l binary -d 'The dockward binary the unit runs' -r
complete -c dockward -n "__fish_dockward_using_subcommand watch; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "install" -d 'Print a hardened systemd unit that runs `dockward watch` (never written by dockward)'
complete -c dockward -n "__fish_dockward_using_subcommand watch; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand server" -l stdio -d 'Talk LSP over stdin and stdout: the default and only transport (accepted because editor clients pass it)'
complete -c dockward -n "__fish_dockward_using_subcommand server" -s h -l help -d 'Print help'
complete -c dockward -n "__fish_dockward_using_subcommand server" -s V -l version -d 'Print version'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "check" -d 'Check Dockerfiles, Compose files, docker run lines in scripts/Makefiles/CI files, and daemon configuration (directories are searched recursively, honouring .gitignore)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "audit" -d 'Audit live Docker engines: containers, images, networks and the engine itself (read-only)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "sbom" -d 'List the packages an image, an image archive or a root filesystem holds (an SBOM: CycloneDX, SPDX, JSON or a table)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "scan" -d 'Report the known vulnerabilities of the packages in images, image archives or root filesystems, from the offline vulnerability database'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "db" -d 'Build, update and inspect the offline vulnerability database (OSV advisories)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "rules" -d 'List every rule'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "rule" -d 'Show one rule\'s documentation'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "debug" -d 'Developer tools (AST dumps)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "init" -d 'Write a commented starter dockward.toml (never overwrites one)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "man" -d 'Print the man page (roff), or a subcommand\'s'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "guard" -d 'Enforce the container rules at the daemon: a Docker authorization plugin (docs/guard.md)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "watch" -d 'Follow live engines\' events: judge what changes, emit findings (new, changed, resolved) and health as JSON lines (docs/watch.md)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "server" -d 'Run the Language Server (LSP over stdin/stdout) for editors: diagnostics as you type, fixes as code actions, rule docs on hover (docs/editors.md)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and not __fish_seen_subcommand_from check audit sbom scan db rules rule debug init completions man guard watch server help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "build" -d 'Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "update" -d 'Download OSV data for the chosen ecosystems (OSV\'s public bucket or a mirror) and rebuild the database'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show the database\'s age, sources and counts per ecosystem'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from debug" -f -a "ast" -d 'Print a Dockerfile\'s syntax tree'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from guard" -f -a "serve" -d 'Run the authorization plugin: judge every Engine API request dockerd asks about'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from guard" -f -a "install" -d 'Print the systemd socket and service units and the daemon.json snippet (writes nothing)'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from guard" -f -a "check-request" -d 'Judge one AuthZReq call (the JSON dockerd posts to the plugin) and print the decision; exit 1 when denied'
complete -c dockward -n "__fish_dockward_using_subcommand help; and __fish_seen_subcommand_from watch" -f -a "install" -d 'Print a hardened systemd unit that runs `dockward watch` (never written by dockward)'
