//! `blastgate pre-receive`: a bare "server" repository gates what it receives.
