# Runs before every mailbox's own script (sieve_before), personal and
# organisational, as a regional operator files patients' mail: a message from
# the patients' domain (Mon Espace Santé) goes into « Échanges Patients »,
# created if need be. No "stop": the mailbox's own rules (out-of-office,
# notification, forwarding) still run; filing into the same folder again
# stores one copy.
require ["fileinto", "mailbox"];
if address :domain :is "from" "patient.mssante.fr" {
  fileinto :create "Échanges Patients";
}
