#!/bin/sh
# One-shot (compose service `tls-certs`): a throwaway CA and the certificates of the local stack's TLS hops,
# written to /tls once (kept in the `tls-certs` volume; `docker compose down -v` makes new ones).
set -eu
out=${TLS_OUT:-/tls}
[ -f "$out/ca.crt" ] && { echo "certificates exist in $out"; exit 0; }
umask 022
cd "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/CN=Plinth local compose CA" -keyout ca.key -out ca.crt \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
for host in otel-collector jaeger; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" \
    -keyout "$host.key" -out "$host.csr" -addext "subjectAltName=DNS:$host,DNS:localhost"
  openssl x509 -req -in "$host.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 90 -copy_extensions copyall \
    -extfile /dev/stdin -out "$host.crt" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
EXT
  rm "$host.csr"
done
# The collector and Jaeger run as other users and read their keys: world-readable inside this local-only volume
# (the apps mount it for ca.crt). A cluster uses cert-manager Secrets instead (k8s/).
chmod 0644 ./*.key
rm ca.key
echo "certificates written to $out"
