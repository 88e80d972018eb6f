fn main() {
    borderpass_app::start();
}
