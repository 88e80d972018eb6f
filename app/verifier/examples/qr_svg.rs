//! Prints the SVG QR code of a pass: `cargo run -p borderpass-verifier --example qr_svg -- BP1:…`.
//! The e2e camera test and the benchmark use it to film a pass without the driver's screen.

fn main() {
    let Some(pass) = std::env::args().nth(1) else {
        eprintln!("usage: qr_svg BP1:…");
        std::process::exit(2);
    };
    match shared::pass::qr::svg(&pass) {
        Ok(svg) => println!("{svg}"),
        Err(e) => {
            eprintln!("not a pass: {e}");
            std::process::exit(1);
        }
    }
}
