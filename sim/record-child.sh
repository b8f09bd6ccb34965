# Sourced by the git and flyctl stand-ins: when GD_SIM_CHILD_LOG is set (the simulated runner
# sets it for every run), appends this process's name, argv and environment to it, so the
# end-to-end token scan covers what the action hands its children.
# Usage: child_name=git; . record-child.sh   (a sourced file sees the caller's "$@")
if [ -n "${GD_SIM_CHILD_LOG:-}" ]; then
  {
    printf '=== %s argv' "$child_name"
    for arg in "$@"; do printf ' [%s]' "$arg"; done
    printf '\n'
    env
    printf '=== end\n'
  } >>"$GD_SIM_CHILD_LOG"
fi
