"""Texts of the sign-in page. Same keys in every language."""

MESSAGES: dict[str, dict[str, str]] = {
    "ru": {
        "auth.login.title": "Вход",
        "auth.login.subtitle": "Войдите с рабочей учётной записью.",
        "auth.login.email": "Эл. почта",
        "auth.login.email_placeholder": "name@oppo.kz",
        "auth.login.password": "Пароль",
        "auth.login.submit": "Войти",
        "auth.login.submitting": "Вход…",
        "auth.login.connecting": "Подключение…",
        "auth.login.missing": "Введите эл. почту и пароль.",
    },
    "kk": {
        "auth.login.title": "Кіру",
        "auth.login.subtitle": "Жұмыс есептік жазбаңызбен кіріңіз.",
        "auth.login.email": "Эл. пошта",
        "auth.login.email_placeholder": "name@oppo.kz",
        "auth.login.password": "Құпиясөз",
        "auth.login.submit": "Кіру",
        "auth.login.submitting": "Кіру…",
        "auth.login.connecting": "Қосылуда…",
        "auth.login.missing": "Эл. пошта мен құпиясөзді енгізіңіз.",
    },
    "en": {
        "auth.login.title": "Sign in",
        "auth.login.subtitle": "Sign in with your work account.",
        "auth.login.email": "Email",
        "auth.login.email_placeholder": "name@oppo.kz",
        "auth.login.password": "Password",
        "auth.login.submit": "Sign in",
        "auth.login.submitting": "Signing in…",
        "auth.login.connecting": "Connecting…",
        "auth.login.missing": "Enter your email and password.",
    },
}
