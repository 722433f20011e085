"""The transaction table every money analysis reads: one row per recorded payment.

Built from the requesting user's scoped view (:mod:`undertow.flows.graph`), over
canonical ids. Columns (an Arrow schema, so both engines agree on types):

* ``payment`` -- the Payment's namespaced entity id; ``agency``, ``local_id`` -- its
  owner and the id as submitted (what detections cite);
* ``day`` -- the payment's date (a date written to month or year precision is placed on
  its first day and ``day_precision`` says so: ``day``, ``month`` or ``year``);
* ``amount``, ``currency`` -- as recorded; ``eur`` -- converted at the month's rate;
* ``src``, ``dst`` -- the *nodes* the money leaves and reaches: the account holder's
  canonical id when known (payer, or the holder of the payer's account through
  ``Ownership``), otherwise the account's canonical id; never null;
* ``src_account``, ``dst_account`` -- canonical ids of the accounts (null when none);
* ``src_party``, ``dst_party`` -- canonical ids of payer and beneficiary (null when
  none recorded or derivable);
* ``reference`` -- the transaction number as recorded (a hawala ledger writes the same
  one on the pay-in and the pay-out), or null;
* ``purpose``, ``channel`` -- ``bank``, ``hawala``, ``crypto``, ``cash`` or ``other``;
* ``seq`` -- a total order of payments (by day, then payment id), so that "before"
  is defined when two payments share a day.
"""

from __future__ import annotations

import pyarrow as pa

PAYMENTS = pa.schema(
    [
        ("payment", pa.string()),
        ("agency", pa.string()),
        ("local_id", pa.string()),
        ("day", pa.date32()),
        ("day_precision", pa.string()),
        ("amount", pa.float64()),
        ("currency", pa.string()),
        ("eur", pa.float64()),
        ("src", pa.string()),
        ("dst", pa.string()),
        ("src_account", pa.string()),
        ("dst_account", pa.string()),
        ("src_party", pa.string()),
        ("dst_party", pa.string()),
        ("reference", pa.string()),
        ("purpose", pa.string()),
        ("channel", pa.string()),
        ("seq", pa.int64()),
    ]
)

# The nodes payments connect, as the reader may see them: ``node`` (canonical id),
# ``name``, ``schema`` (FtM: Person, Company, Organization, BankAccount, CryptoWallet...),
# ``country`` (ISO alpha-2, lower case, of the party or the account's bank; null when
# unknown), ``role`` (the data-subject category when recorded, e.g. ``migrant``),
# ``notice`` (a hit notice when the reader may not see the node; null otherwise).
NODES = pa.schema(
    [
        ("node", pa.string()),
        ("name", pa.string()),
        ("schema", pa.string()),
        ("country", pa.string()),
        ("role", pa.string()),
        ("notice", pa.string()),
    ]
)
