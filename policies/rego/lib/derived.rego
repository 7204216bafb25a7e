# Derived facts: findings computed by Palisade's Rust side over the whole object set (the linter's
# files, the webhook's inventory plus the object under review) and handed to the rule in
# `input.palisade_derived[<rule id>]` as `{"msg", "path"}` objects. The NETPOL rules use it:
# NetworkPolicy semantics live in one place (the netpol crate), not re-implemented in Rego.
package palisade.lib.derived

# The findings of rule `id` about the object under review.
findings(id) := {{"msg": f.msg, "path": f.path} | some f in input.palisade_derived[id]}
