#!/bin/sh
# Lifeline package: after removal (deb postrm: $1 = remove, purge, upgrade…;
# rpm %postun: $1 = 0 on erase, 1 or more on upgrade).
#
# The app registers autostart per user (~/.config/autostart/<name>.desktop,
# started with --autostart). When the package is removed those entries would
# point at a binary that is gone, so they go too. On purge the users' SOS
# shortcuts (desktop and app menu) go as well. Users' data (the open case,
# logs) is left alone even on purge: Debian packages do not delete what is in
# home folders beyond the entries they made. An upgrade ($1 = upgrade) touches
# nothing, so every user keeps their open case and shortcut.
#
# Homes searched: /root and /home/*. DPKG_ROOT is dpkg's installation root
# (empty for a normal install).
set -e

BINARY=/usr/bin/lifeline

# Removes the .desktop files in $1 that start $BINARY with argument $2.
remove_entries() {
    dir=$1
    argument=$2
    [ -d "$dir" ] || return 0
    for entry in "$dir"/*.desktop; do
        [ -f "$entry" ] || continue
        if grep -Eqs "^Exec=\"?$BINARY\"? +$argument( |\$)" "$entry"; then
            rm -f "$entry"
        fi
    done
}

case "$1" in
    remove|purge|0)
        for home in "${DPKG_ROOT:-}"/root "${DPKG_ROOT:-}"/home/*; do
            [ -d "$home" ] || continue
            remove_entries "$home/.config/autostart" --autostart
            if [ "$1" = purge ]; then
                remove_entries "$home/.local/share/applications" --sos
                remove_entries "$home/Desktop" --sos
            fi
        done
        ;;
esac
exit 0
