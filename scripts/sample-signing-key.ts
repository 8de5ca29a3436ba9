// TEST KEY, NOT A SECRET. An RSA key pair made for trailwatch's sample day (events/logs/) and nothing else: it
// signs the sample digests the way CloudTrail signs real ones with its own (private, per-region) keys, so that
// `npm start` and `trailwatch verify` can show the integrity check on data anyone can regenerate. It protects
// nothing and must never sign anything but test data. Its public half, in the JSON `aws cloudtrail
// list-public-keys` prints, is events/sample-public-keys.json (written by scripts/make-sample-logs.ts).
export const SAMPLE_SIGNING_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQChRC5hDgQpqy0W
SkK54Pj6znn8mF6K6ORf6FrlKHFM+BAH0qDEixf0Q35Ya/FbEEhLLxR+OiYn5MHV
3I7qrUFTPg9h4ya0apaI+zmYNPF0clCjvHQ5ibAGS5EAuKqgCeSCqKuYwVZLcxt9
0tLkKiTgzlj3vI8Sz8hVQxZwdFtFGFPefpUjhFwukA/rDb5ymS7W6m3s30sbehM9
/2E0dE2RSH/9OPMLknbKhMO1HDH+QlII7se128vsud4Wwrtsl/gBqJL7kmYP0kyH
W3dwEzRD48+b5eneyrhJjWPo3HiJHoKLu+IeL2w/LQ6BC4ypBGMDyg/KvwZc+XGe
oy0SBskHAgMBAAECggEAK6L838NAqhvJA/aNLqnrBUa4qHp8Xp8dKLyBV+/FFLws
7kj2uqgej7hxqDBxKyBxR3LSW0OVzoauUpWvUF4YRpOM6wJhl0EeQaulDoQI7+b8
3glg867HpDRvZKATf2Gd5SMJ57gtBxZ7EmVpLlcfCnubhFGP71mtDjEskbpSdhPs
q7cnOSWtYQqTZO/1EsLpUkpKJ60WCocNwM8NWPetgZMqC+kT3Ag7V7BLXnfXCsAj
s0XaSwe+B9xJT0JZytFfPj1jGUrVhrM0QKmgYoZqV/JHRmtt3WIeelr/1Z1WiXlV
Bkd/XFMMbH4OuOobivZixuIKnDoWHEgijIgXg8uPKQKBgQDMA1MoE4G4wRD1jec3
RfyVkJN2mBOe8heH8CSt1COF9HUtndtYAIMa5RV1elGWA4ATbfQG+DRY/PilwbQ7
cVn04QozIzn7BjIiiTi6BrANmqYjagEQhMO8ceNCoHJV9gm2PfITSg7Te2s6h0YY
8VQ2CJ6eiNXmFeR6HO07VyOwyQKBgQDKXE1B8CFDji4eQupQxOshDnMF8N+n7E4X
cXEVwcloLhloFUdOL0G/3cn6G4jadtj9Njc9FFO6DcUOvAEcHkajBpEsz7iK49nD
oRkEPyhmCXRszcNh478b8O9ejCNs8a6TvCafMyONckCDzlYBz0Nceo/5eKRIipwY
1j7iD7njTwKBgDxxq7yO8vsjMHwgO+XzdV92w0n6yq1n+rLK4oMh/BhfEiyevXL4
S9+3CcGRqQRyKwsWo5tBBHltEdpCZrzJ26Yi2pvGDxKhhk8XKthqzNRrAlgxuvkC
7N8zOurtkJKJX90/wy4V3gioY1+m3ozbS2Dq8tvznLQbvmKzmVHggnGJAoGAYWJI
H8pjB7K9yPxk7RfHG/JrMlm4GITlE+0ZAeJvfb5ppahP13Vwi9g9YiqsEo6NYFYe
ATvuCySjR7L8Sb7cOYpohQs2AUkjvDyj4GJQm8JDEDV5qHtEtjqdx39jcQNiA2DR
qV2f52srVwMOavKGtVOaQ/FmBi8GbgF046+zwosCgYEAwXf/388olKAT/EB8CA4C
Nvaq0x4N8lTmxHIZUUEiccnGmxyybnNY0L4+kUXPNlioL/r3URUOV5R/0T7H1MJ7
rhzzN1GrEWr59grJyEkQyh5JN3z07cQWi7jDTLmBIUT/VWnZmSMTsAjaueD4GJFB
MSHlBE/AU5fJ9ih1YxeCvLY=
-----END PRIVATE KEY-----`;
